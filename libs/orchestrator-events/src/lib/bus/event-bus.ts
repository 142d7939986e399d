import { EventFilter } from '@orchestrator/events-contract';
import { BuiltEvent } from '../event/event-line';

/** A live subscription; `unsubscribe()` frees it at once. */
export interface EventSubscription {
  unsubscribe(): void;
}

/** What a replay returns: the matching events after the id, or `undefined` when the id is older than what is retained. */
export type ReplayResult = BuiltEvent[] | undefined;

/**
 * Live fan-out of events with a short replay window. `EventLogger` publishes, the stream endpoint
 * subscribes; neither knows which backend is in use. Inject it with the same-named token:
 * `@Inject(EventBus) bus: EventBus`.
 */
export interface EventBus {
  /** Delivers an event to every matching subscriber, synchronously for in-process subscribers. */
  publish(event: BuiltEvent): void;
  /** Calls `listener` for each future event matching `filter`. */
  subscribe(filter: EventFilter, listener: (event: BuiltEvent) => void): EventSubscription;
  /**
   * Matching events published after the event `afterId`, in publishing order, from the bus's own
   * retention (a ring buffer, a Redis Stream); `undefined` when the bus cannot tell (the id is older
   * than what it keeps, or unknown to it): the caller then reads the files.
   */
  replay(afterId: string, filter: EventFilter): ReplayResult | Promise<ReplayResult>;
  /** Open subscriptions. */
  subscriberCount(): number;
  /** What the bus is and whether it is healthy, for health checks. */
  state(): EventBusState;
}

/**
 * What `EventBus.state()` reports: the status, the health indicator and the metrics read it. A bus
 * between instances (the Redis Stream, your own) says whether it reaches them and what waits.
 */
export interface EventBusState {
  /** What the bus is: `memory` (the in-process bus), `redis`, or your own bus's name. */
  kind: string;
  /** Whether events reach the other instances; left out by a bus that cannot be cut (in-process). */
  connected?: boolean;
  /** Events waiting to be sent to the other instances. */
  buffered?: number;
  /** Events that never reached the other instances (they are in the file). */
  dropped?: number;
}

/** State of the in-process bus. */
export interface MemoryEventBusState extends EventBusState {
  kind: 'memory';
}

/** Injection token of the `EventBus`. */
export const EventBus = Symbol('EventBus');

/**
 * Injection token of a bus that replaces the in-process one: provide it from a global module (as
 * `OrchestratorEventsRedisModule` does) and the core module's `EventBus` is that bus, e.g.
 * `{ provide: EVENT_BUS_PLUGIN, useClass: MyBus }` in a `@Global()` module that exports it.
 * Default: none provided, the in-process bus.
 */
export const EVENT_BUS_PLUGIN = Symbol('EVENT_BUS_PLUGIN');
