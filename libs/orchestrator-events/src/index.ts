export { OrchestratorEventsModule } from './lib/orchestrator-events.module';
export type {
  OrchestratorEventsModuleOptions,
  ResolvedOrchestratorEventsOptions,
} from './lib/orchestrator-events.options';
export {
  OrchestratorEventsConfigError,
  optionsFromEnv,
  resolveOptions,
  parseSize,
} from './lib/orchestrator-events.options';
export { ORCH_EVENTS_OPTIONS } from './lib/orchestrator-events.constants';
export { EventLogger } from './lib/event-logger.service';
export type { EventFields, EventLoggerStats } from './lib/event-logger.service';
export { AppLogger } from './lib/app-logger.service';
// Start-up errors an app may want to recognize: the event log held by another process, and a
// configured integration whose optional package is not installed.
export { LogFileLockedError } from './lib/file/log-file.lock';
export { MissingPeerError } from './lib/optional-peer';
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
  EVENT_LOGGER_NAME,
  EVENT_NAME_PATTERN,
  ENTITY_ID_PATTERN,
  EVENT_ID_PATTERN,
  DEFAULT_QUERY_LIMIT,
  MAX_QUERY_LIMIT,
  matches,
  parseLevel,
  levelRank,
  parseEventId,
} from '@orchestrator/events-contract';
export type { EventContext } from './lib/event-context';
export { EventStream } from './lib/event-stream';
export type { BuiltEvent } from './lib/event-line';
export { EventBus } from './lib/bus/event-bus';
export type {
  EventSubscription,
  ReplayResult,
  EventBusState,
  MemoryEventBusState,
  RedisEventBusState,
} from './lib/bus/event-bus';
export { RedisEventBus } from './lib/bus/redis-event.bus';
export type { RedisEventBusOptions } from './lib/bus/redis-event.bus';
export { MemoryEventBus } from './lib/bus/memory-event.bus';
export type { EventPage } from './lib/file/event-store';
export type { FileWriterStats } from './lib/file/rotating-file.writer';
export { SseHub } from './lib/http/sse-hub.service';
export { SseFastPath } from './lib/http/sse-fast-path.service';
export type { EventsRoute } from './lib/http/sse-fast-path.service';
export { createEventsController } from './lib/http/events.controller';
export { EventsFilterDto, EventsQueryDto, EventsStreamQueryDto } from './lib/http/events-query.dto';
export { OrchestratorEventSchema, EventsPageSchema } from './lib/http/event.schema';
export { DEFAULT_EVENTS_PATH } from './lib/orchestrator-events.module-definition';
export type { OrchestratorEventsModuleExtras } from './lib/orchestrator-events.module-definition';
export { EventsAccessGuard, MAX_QUERY_STRING } from './lib/http/events-access.guard';
export { DEFAULT_REDACT_KEYS } from './lib/orchestrator-events.options';
export { REDACTED } from './lib/safe-json';
