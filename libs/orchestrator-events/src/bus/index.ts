/*
 * @orchestrator/events/bus: the event bus's interface and types. `EventBus` is also the injection
 * token of the bus the core module uses (the in-process one, or the one a module plugs in): inject
 * it to read its `state()`. A bus of your own implements the interface and is provided as
 * `EVENT_BUS_PLUGIN` by a global module, as `OrchestratorEventsRedisModule` provides the Redis one.
 */
export { EventBus, EVENT_BUS_PLUGIN } from '../lib/bus/event-bus';
export type {
  EventSubscription,
  ReplayResult,
  EventBusState,
  MemoryEventBusState,
} from '../lib/bus/event-bus';
export type { BuiltEvent } from '../lib/event/event-line';
