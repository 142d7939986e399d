/*
 * @orchestrator/events/bus: the event bus's interface and types. `EventBus` is also the injection
 * token of the bus the core module uses (the in-process one, or the Redis Stream with `REDIS_URL`):
 * inject it to read its `state()`, or implement the interface for a bus of your own.
 */
export { EventBus } from '../lib/bus/event-bus';
export type {
  EventSubscription,
  ReplayResult,
  EventBusState,
  MemoryEventBusState,
  RedisEventBusState,
} from '../lib/bus/event-bus';
export type { BuiltEvent } from '../lib/event/event-line';
