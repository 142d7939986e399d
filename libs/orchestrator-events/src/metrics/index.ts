/*
 * @orchestrator/events/metrics: Prometheus metrics of the event log. Needs
 * `OrchestratorEventsModule.forRoot()` in the same app and the optional peer `prom-client`.
 */
export { OrchestratorEventsMetricsModule } from './orchestrator-events-metrics.module';
export type { OrchestratorEventsMetricsOptions, PrometheusRegistry } from './metrics.options';
export { DEFAULT_METRICS_PREFIX } from './metrics.options';
