import { EventFilter, matches, parseEventLine } from '@orchestrator/events-contract';
import { BuiltEvent } from '../event/event-line';

/**
 * The last `capacity` events a bus delivered, for resuming a stream without reading the files: the
 * one ring of both buses. It keeps each event's id and line only: objects kept alive for a while
 * are what makes garbage collection expensive at high rates, and a resume, which needs the
 * objects, is rare (they are parsed again then).
 *
 * How "after this id" is found depends on the bus:
 * - `'id'` (the in-process bus): events arrive in id order, so a binary search finds the first id
 *   above the resume id, even one this ring never held;
 * - `'delivery'` (the Redis bus): events arrive in stream order, which is not id order across
 *   instances (clock skew, events added late after an outage). A client has received a prefix of
 *   exactly this sequence, so what it missed is everything delivered after its last id, found by
 *   an id index; an id the ring does not hold is unknown, and the same id twice is refused.
 */
export class ReplayRing {
  private readonly ids: string[];
  private readonly lines: string[];
  /** Absolute sequence number of the next event; the ring holds the last `size` before it. */
  private next = 0;
  /** event_id → absolute sequence number (delivery order only). */
  private readonly index: Map<string, number> | undefined;

  constructor(
    private readonly capacity: number,
    order: 'id' | 'delivery',
  ) {
    this.ids = new Array<string>(Math.max(0, capacity));
    this.lines = new Array<string>(Math.max(0, capacity));
    this.index = order === 'delivery' ? new Map() : undefined;
  }

  /** Events held. */
  get size(): number {
    return Math.min(this.next, this.capacity);
  }

  /** Records an event; false (nothing recorded) when delivery-ordered and its id is already held. */
  add(id: string, line: string): boolean {
    if (this.capacity <= 0) return true;
    const slot = this.next % this.capacity;
    if (this.index !== undefined) {
      if (this.index.has(id)) return false;
      if (this.next >= this.capacity) this.index.delete(this.ids[slot]);
      this.index.set(id, this.next);
    }
    this.ids[slot] = id;
    this.lines[slot] = line;
    this.next++;
    return true;
  }

  /** Whether this event_id is held (delivery order only; id order answers false). */
  has(id: string): boolean {
    return this.index?.has(id) ?? false;
  }

  /** The oldest id held. */
  oldestId(): string | undefined {
    return this.size === 0 ? undefined : this.ids[this.slotOf(this.next - this.size)];
  }

  /**
   * Matching events after `afterId`, in the ring's order; `undefined` when the ring cannot tell
   * what came after it (older than what it holds, or, delivery-ordered, an id it never held): the
   * caller reads the files.
   */
  after(afterId: string, filter: EventFilter): BuiltEvent[] | undefined {
    const from = this.index === undefined ? this.firstAbove(afterId) : this.index.get(afterId);
    if (from === undefined) return undefined;
    const out: BuiltEvent[] = [];
    for (let seq = this.index === undefined ? from : from + 1; seq < this.next; seq++) {
      const line = this.lines[this.slotOf(seq)];
      const event = parseEventLine(line);
      if (event !== undefined && matches(filter, event)) {
        out.push({ id: event.event_id, event, line });
      }
    }
    return out;
  }

  /** Id order: the sequence number of the first id above `afterId`, by binary search. */
  private firstAbove(afterId: string): number | undefined {
    const oldest = this.oldestId();
    // Below the oldest id the ring cannot tell what came between (evicted, or written before a
    // restart): the files can.
    if (oldest === undefined || afterId < oldest) return undefined;
    let lo = this.next - this.size;
    let hi = this.next;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.ids[this.slotOf(mid)] <= afterId) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private slotOf(seq: number): number {
    return seq % this.capacity;
  }
}
