export { OrchestratorEventsModule } from './lib/orchestrator-events.module';
export type {
  OrchestratorEventsModuleOptions,
  ResolvedOrchestratorEventsOptions,
} from './lib/orchestrator-events.options';
export {
  OrchestratorEventsConfigError,
  resolveOptions,
  parseSize,
} from './lib/orchestrator-events.options';
export { ORCH_EVENTS_OPTIONS } from './lib/orchestrator-events.constants';
export { EventLogger } from './lib/event-logger.service';
export type { EventFields, EventLoggerStats } from './lib/event-logger.service';
export { AppLogger } from './lib/app-logger.service';
export type { OrchestratorEvent, EventInput, EventFilter, EventLevel } from './lib/event';
export {
  EVENT_LEVELS,
  EVENT_LOGGER_NAME,
  EVENT_NAME_PATTERN,
  ENTITY_ID_PATTERN,
  matches,
  parseLevel,
  levelRank,
} from './lib/event';
export { EVENT_ID_PATTERN, parseEventId } from './lib/event-id';
export type { EventContext } from './lib/event-context';
export { EventStream } from './lib/event-stream';
export type { BuiltEvent } from './lib/event-line';
export { EventBus } from './lib/bus/event-bus';
export type { EventSubscription, ReplayResult } from './lib/bus/event-bus';
export { MemoryEventBus } from './lib/bus/memory-event.bus';
export type { EventQuery, EventPage } from './lib/file/event-store';
export { DEFAULT_QUERY_LIMIT, MAX_QUERY_LIMIT } from './lib/file/event-store';
export type { FileWriterStats } from './lib/file/rotating-file.writer';
export { SseHub } from './lib/http/sse-hub.service';
export { createEventsController } from './lib/http/events.controller';
export { EventsFilterDto, EventsQueryDto, EventsStreamQueryDto } from './lib/http/events-query.dto';
export { OrchestratorEventSchema, EventsPageSchema } from './lib/http/event.schema';
export { DEFAULT_EVENTS_PATH } from './lib/orchestrator-events.module-definition';
export type { OrchestratorEventsModuleExtras } from './lib/orchestrator-events.module-definition';
