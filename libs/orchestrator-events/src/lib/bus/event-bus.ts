import { EventFilter } from '../event';
import { BuiltEvent } from '../event-line';

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
   * Matching events with an id above `afterId` from the replay buffer, in order; `undefined` when
   * events after `afterId` may have left the buffer already (the caller then reads the files).
   */
  replay(afterId: string, filter: EventFilter): ReplayResult;
  /** Open subscriptions. */
  subscriberCount(): number;
}

/** Injection token of the `EventBus`. */
export const EventBus = Symbol('EventBus');
