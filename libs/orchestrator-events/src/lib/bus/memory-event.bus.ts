import { EventFilter, matches, parseEventLine } from '@orchestrator/events-contract';
import { BuiltEvent } from '../event-line';
import { EventBus, EventSubscription, MemoryEventBusState, ReplayResult } from './event-bus';

interface Subscriber {
  readonly filter: EventFilter;
  readonly listener: (event: BuiltEvent) => void;
}

/**
 * The embedded bus: an in-process fan-out with a ring buffer of recent events for resumption.
 * The ring keeps only each event's id and line: objects kept alive for a while are what makes
 * garbage collection expensive at high rates, and a resume, which needs the objects, is rare.
 * Subscribers filtered by `task_id` (or else `run_id`) sit in an index keyed by that id, so
 * publishing costs the same with 10 or 10,000 subscribers on other tasks: only the subscribers
 * of the event's own task, run and the unfiltered ones are looked at.
 */
export class MemoryEventBus implements EventBus {
  private readonly byTask = new Map<string, Set<Subscriber>>();
  private readonly byRun = new Map<string, Set<Subscriber>>();
  private readonly unkeyed = new Set<Subscriber>();
  private readonly ringIds: string[];
  private readonly ringLines: string[];
  /** Index in `ring` of the next write; the ring holds `ringCount` events ending just before it. */
  private ringNext = 0;
  private ringCount = 0;
  private count = 0;

  /** @param replayBufferSize recent events kept for `replay()` (default 1000). */
  constructor(private readonly replayBufferSize = 1000) {
    this.ringIds = new Array<string>(replayBufferSize);
    this.ringLines = new Array<string>(replayBufferSize);
  }

  publish(built: BuiltEvent): void {
    if (this.replayBufferSize > 0) {
      this.ringIds[this.ringNext] = built.id;
      this.ringLines[this.ringNext] = built.line;
      this.ringNext = (this.ringNext + 1) % this.replayBufferSize;
      if (this.ringCount < this.replayBufferSize) this.ringCount++;
    }
    if (this.count === 0) return;
    const event = built.event;
    if (event.task_id !== undefined) deliver(this.byTask.get(event.task_id), built);
    if (event.run_id !== undefined) deliver(this.byRun.get(event.run_id), built);
    deliver(this.unkeyed, built);
  }

  subscribe(filter: EventFilter, listener: (event: BuiltEvent) => void): EventSubscription {
    const subscriber: Subscriber = { filter, listener };
    const [index, key] =
      filter.task_id !== undefined
        ? [this.byTask, filter.task_id]
        : filter.run_id !== undefined
          ? [this.byRun, filter.run_id]
          : [undefined, undefined];
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
    if (this.ringCount === 0) return undefined;
    // Below the oldest id the ring cannot tell what came between (evicted, or written before a
    // restart): the files can.
    if (afterId < this.idAt(0)) return undefined;
    let lo = 0;
    let hi = this.ringCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.idAt(mid) <= afterId) lo = mid + 1;
      else hi = mid;
    }
    const out: BuiltEvent[] = [];
    for (let i = lo; i < this.ringCount; i++) {
      const line = this.ringLines[this.slot(i)];
      const event = parseEventLine(line);
      if (event !== undefined && matches(filter, event))
        out.push({ id: event.event_id, event, line });
    }
    return out;
  }

  /** The id of the oldest event in the replay buffer. */
  oldestId(): string | undefined {
    return this.ringCount === 0 ? undefined : this.idAt(0);
  }

  subscriberCount(): number {
    return this.count;
  }

  /** Always `{ kind: 'memory' }`: nothing outside the process can fail. */
  state(): MemoryEventBusState {
    return { kind: 'memory' };
  }

  /** Ring slot of the i-th oldest retained event. */
  private slot(i: number): number {
    const start = (this.ringNext - this.ringCount + this.replayBufferSize) % this.replayBufferSize;
    return (start + i) % this.replayBufferSize;
  }

  private idAt(i: number): string {
    return this.ringIds[this.slot(i)];
  }
}

function deliver(subscribers: Set<Subscriber> | undefined, built: BuiltEvent): void {
  if (subscribers === undefined) return;
  for (const subscriber of subscribers) {
    if (!matches(subscriber.filter, built.event)) continue;
    try {
      subscriber.listener(built);
    } catch {
      // One faulty subscriber must not stop delivery to the others, nor throw into log().
    }
  }
}
