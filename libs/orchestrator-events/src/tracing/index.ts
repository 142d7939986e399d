/*
 * @orchestrator/events/tracing: OpenTelemetry trace ids, spans and log records for the events.
 * Needs `OrchestratorEventsModule.forRoot()` in the same app and the optional peers
 * `@opentelemetry/api` (and `@opentelemetry/api-logs` for `logs`).
 */
export { OrchestratorEventsTracingModule } from './orchestrator-events-tracing.module';
export type {
  OrchestratorEventsLogRecordsOptions,
  OrchestratorEventsTracingModuleOptions,
} from './tracing-module.options';
export { DEFAULT_EXTRAS_PREFIX } from './tracing-module.options';
// The options of the core module's own `tracing` extra (`OrchestratorEventsModule.forRoot({ tracing })`).
export type { OrchestratorEventsTracingOptions } from '../lib/integrations/otel/tracing.options';
