import { EventFilter } from '@orchestrator/events-contract';
import { BuiltEvent } from '../event/event-line';
import type { HistorySource } from '../history/history-source';

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
  /** The bus's own history, when it keeps one (a shared stream): asked by `EventHistory`. */
  readonly history?: HistorySource;
}

/** State of the in-process bus. */
export interface MemoryEventBusState {
  kind: 'memory';
}

/** State of the Redis Stream bus. */
export interface RedisEventBusState {
  kind: 'redis';
  /** Both connections (writer and blocking reader) are up. */
  connected: boolean;
  /** The stream key. */
  stream: string;
  /** Events of this instance waiting to be added to the stream. */
  buffered: number;
  /** Events dropped from the stream (not from the file) because the buffer was full. */
  dropped: number;
  /** The last Redis error since both connections were last (re)established; null when none. */
  lastError: string | null;
}

/** What `EventBus.state()` reports. */
export type EventBusState = MemoryEventBusState | RedisEventBusState;

/** Injection token of the `EventBus`. */
export const EventBus = Symbol('EventBus');
