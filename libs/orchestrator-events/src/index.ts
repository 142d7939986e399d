/*
 * The public API of @orchestrator/events: what an app writes in its code. Everything else in
 * src/lib is internal and may change in any release. The README's "API" section lists these names.
 */

// The module and its configuration.
export { OrchestratorEventsModule } from './lib/orchestrator-events.module';
export type {
  OrchestratorEventsModuleOptions,
  ResolvedOrchestratorEventsOptions,
} from './lib/orchestrator-events.options';
export { DEFAULT_REDACT_KEYS, optionsFromEnv } from './lib/orchestrator-events.options';
export type { OrchestratorEventsModuleExtras } from './lib/orchestrator-events.module-definition';
export { DEFAULT_EVENTS_PATH } from './lib/orchestrator-events.module-definition';
export { ORCH_EVENTS_OPTIONS } from './lib/orchestrator-events.constants';
export type { OrchestratorEventsDashboardOptions } from './lib/dashboard/dashboard.options';

// Writing events.
export { EventLogger } from './lib/event-logger.service';
export type { EventFields, EventLoggerStats } from './lib/event-logger.service';
export type { EventContext } from './lib/event-context';
export type { EventStream } from './lib/event-stream';

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
export { AppLogger } from './lib/app-logger.service';
export { EventsAccessGuard } from './lib/http/events-access.guard';

// A bus of your own (the interface and its injection token share the name).
export { EventBus } from './lib/bus/event-bus';
export type {
  EventSubscription,
  ReplayResult,
  EventBusState,
  MemoryEventBusState,
  RedisEventBusState,
} from './lib/bus/event-bus';
export type { BuiltEvent } from './lib/event-line';

// Errors an app may want to recognize.
export {
  OrchestratorEventsConfigError,
  LogFileLockedError,
  MissingPeerError,
  EventIdsExhaustedError,
} from './lib/orchestrator-events.errors';

// OpenTelemetry trace ids through the `tracing` extra (`OrchestratorEventsIntegrations`). BullMQ,
// Prometheus and Terminus have their own entry points: @orchestrator/events/bullmq, /metrics and
// /terminus.
export type { OrchestratorEventsIntegrations } from './lib/integrations/integration.providers';
export type { OrchestratorEventsTracingOptions } from './lib/integrations/otel/tracing.options';

// The contract shared with clients, re-exported so server code needs one import path.
export type {
  OrchestratorEvent,
  EventInput,
  EventFilter,
  EventLevel,
  EventQuery,
  EventsPage,
} from '@orchestrator/events-contract';
export {
  EVENT_LEVELS,
  EVENT_NAME_PATTERN,
  ENTITY_ID_PATTERN,
  EVENT_ID_PATTERN,
  DEFAULT_QUERY_LIMIT,
  MAX_QUERY_LIMIT,
  matches,
  parseEventLine,
} from '@orchestrator/events-contract';
