/*
 * The public API of @orchestrator/events, the core: what an app writes in its code (at most 25
 * names, checked by public-api.spec.ts). Everything else in src/lib is internal and may change in
 * any release. docs/api.md lists these names. The event and query types and the contract's
 * constants are imported from @orchestrator/events-contract; each opt-in module (bullmq, metrics,
 * terminus, tracing, dashboard, alerts, postgres) and the bus's types have their own entry point.
 */

// The module and its configuration.
export { OrchestratorEventsModule } from './lib/orchestrator-events.module';
export type { OrchestratorEventsModuleOptions } from './lib/options/orchestrator-events.options';
export { DEFAULT_REDACT_KEYS, optionsFromEnv } from './lib/options/orchestrator-events.options';
export type { OrchestratorEventsModuleExtras } from './lib/orchestrator-events.module-definition';

// Writing events.
export { EventLogger } from './lib/write/event-logger.service';
export type { EventFields, EventLoggerStats } from './lib/write/event-logger.service';
export type { EventContext } from './lib/event/event-context';
export type { EventStream } from './lib/write/event-stream';

// Past events.
export { EventHistory } from './lib/history/event-history.service';
export type { HistoryBatch } from './lib/history/event-history.service';
export type { EventPage } from './lib/file/event-store';
// A history source of your own (an archive, a store): add it with HistorySources.add().
export { HistorySources } from './lib/history/history-sources.registry';
export type { HistorySource, HistorySourceState } from './lib/history/history-source';

// Health: the numbers in one read.
export { OrchestratorEventsStatus } from './lib/orchestrator-events.status';
export type { OrchestratorEventsSnapshot } from './lib/orchestrator-events.status';

// Nest's own logs as JSON lines (app.useLogger), and the token check for your own routes.
export { AppLogger } from './lib/write/app-logger.service';
export { EventsAccessGuard } from './lib/http/events-access.guard';

// Errors an app may want to recognize.
export {
  OrchestratorEventsConfigError,
  LogFileLockedError,
  MissingPeerError,
  EventIdsExhaustedError,
} from './lib/shared/orchestrator-events.errors';
