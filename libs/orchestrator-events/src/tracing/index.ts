/*
 * @orchestrator/events/tracing: OpenTelemetry trace ids, spans and log records for the events.
 * Needs `OrchestratorEventsModule.forRoot()` in the same app and the optional peers
 * `@opentelemetry/api` (and `@opentelemetry/api-logs` for `logs`).
 */
export { OrchestratorEventsTracingModule } from './orchestrator-events-tracing.module';
export type {
  OrchestratorEventsLogRecordsOptions,
  OrchestratorEventsTracingOptions,
} from './tracing.options';
export { DEFAULT_EXTRAS_PREFIX } from './tracing.options';
