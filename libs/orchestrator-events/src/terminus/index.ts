/*
 * @orchestrator/events/terminus: a health indicator of the event log for `@nestjs/terminus`. List
 * `OrchestratorEventsHealthIndicator` in the providers of the module whose controller runs the
 * health check, beside `OrchestratorEventsModule.forRoot()` (global) in the app.
 */
export { OrchestratorEventsHealthIndicator } from './orchestrator-events.health';
export type {
  OrchestratorEventsHealthOptions,
  OrchestratorEventsHealthResult,
} from './orchestrator-events.health';
