import { EventFilter, matches, searchWords } from '@orchestrator/events-contract';
import { BuiltEvent, LineEvent } from '../event/event-line';
import { EventBus, EventSubscription, MemoryEventBusState, ReplayResult } from './event-bus';
import { ReplayRing } from './replay.ring';

interface Subscriber {
  readonly filter: EventFilter;
  readonly listener: (event: BuiltEvent) => void;
  /**
   * The bucket it sits in already says the event matches (a filter on its task or run id alone,
   * or no filter): delivering to it needs no parse of the line.
   */
  readonly routedOnly: boolean;
}

/**
 * The embedded bus: an in-process fan-out with a ring of recent events for resumption
 * (`ReplayRing`, in id order).
 * Subscribers filtered by `task_id` (or else `run_id`) sit in an index keyed by that id, so
 * publishing costs the same with 10 or 10,000 subscribers on other tasks: only the subscribers
 * of the event's own task, run and the unfiltered ones are looked at.
 */
export class MemoryEventBus implements EventBus {
  private readonly byTask = new Map<string, Set<Subscriber>>();
  private readonly byRun = new Map<string, Set<Subscriber>>();
  private readonly unkeyed = new Set<Subscriber>();
  private readonly ring: ReplayRing;
  private count = 0;

  /** @param replayBufferSize recent events kept for `replay()` (default 1000). */
  constructor(replayBufferSize = 1000) {
    this.ring = new ReplayRing(replayBufferSize, 'id');
  }

  publish(built: BuiltEvent): void {
    this.ring.add(built.id, built.line);
    if (this.count === 0) return;
    // Routed by ids the builder already knows: subscribers of other tasks cost no parse.
    const keys = built instanceof LineEvent ? built.keys() : built.event;
    if (keys.task_id !== undefined) deliver(this.byTask.get(keys.task_id), built);
    if (keys.run_id !== undefined) deliver(this.byRun.get(keys.run_id), built);
    deliver(this.unkeyed, built);
  }

  subscribe(filter: EventFilter, listener: (event: BuiltEvent) => void): EventSubscription {
    const [index, key] =
      filter.task_id !== undefined
        ? [this.byTask, filter.task_id]
        : filter.run_id !== undefined
          ? [this.byRun, filter.run_id]
          : [undefined, undefined];
    const subscriber: Subscriber = { filter, listener, routedOnly: routedOnly(filter) };
    let bucket: Set<Subscriber>;
    if (index && key !== undefined) {
      bucket = index.get(key) ?? new Set();
      index.set(key, bucket);
    } else {
      bucket = this.unkeyed;
    }
    bucket.add(subscriber);
    this.count++;
    let active = true;
    return {
      unsubscribe: () => {
        if (!active) return;
        active = false;
        bucket.delete(subscriber);
        this.count--;
        if (index && key !== undefined && bucket.size === 0) index.delete(key);
      },
    };
  }

  replay(afterId: string, filter: EventFilter): ReplayResult {
    return this.ring.after(afterId, filter);
  }

  /** The id of the oldest event in the replay buffer. */
  oldestId(): string | undefined {
    return this.ring.oldestId();
  }

  subscriberCount(): number {
    return this.count;
  }

  /** Always `{ kind: 'memory' }`: nothing outside the process can fail. */
  state(): MemoryEventBusState {
    return { kind: 'memory' };
  }
}

/**
 * True when the filter holds at most one id, the one its subscriber is indexed by, and nothing
 * else: any other criterion (event, level, q, extras) needs the event parsed and `matches()`.
 */
function routedOnly(filter: EventFilter): boolean {
  const criteria =
    Number(filter.task_id !== undefined) +
    Number(filter.run_id !== undefined) +
    Number(filter.event !== undefined && filter.event.length > 0) +
    Number(filter.level !== undefined) +
    Number(filter.q !== undefined && searchWords(filter.q).length > 0) +
    Number(filter.extras !== undefined && Object.keys(filter.extras).length > 0);
  return criteria === 0 || (criteria === 1 && (filter.task_id ?? filter.run_id) !== undefined);
}

function deliver(subscribers: Set<Subscriber> | undefined, built: BuiltEvent): void {
  if (subscribers === undefined) return;
  for (const subscriber of subscribers) {
    // A stream on one task is the common case: its events go out as the builder's line, unparsed.
    if (!subscriber.routedOnly && !matches(subscriber.filter, built.event)) continue;
    try {
      subscriber.listener(built);
    } catch {
      // One faulty subscriber must not stop delivery to the others, nor throw into log().
    }
  }
}
