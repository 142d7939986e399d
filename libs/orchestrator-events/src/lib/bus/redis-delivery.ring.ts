import { EventFilter, matches } from '@orchestrator/events-contract';
import { BuiltEvent } from '../event-line';

/**
 * The last `capacity` events this instance delivered to its local clients, in delivery order, with
 * an event_id index. A client of this instance has received a prefix of exactly this sequence, so
 * "everything after its last id here" is what it missed: no id comparison, which would be wrong
 * across instances (clock skew, events added late after an outage).
 */
export class DeliveryRing {
  private readonly slots: (BuiltEvent | undefined)[];
  /** event_id → absolute sequence number of its slot. */
  private readonly index = new Map<string, number>();
  /** Absolute sequence number of the next delivery. */
  private next = 0;

  /** @param capacity events kept (the bus's replay buffer size). */
  constructor(private readonly capacity: number) {
    this.slots = new Array(Math.max(0, capacity));
  }

  /** Records a delivery; returns false (and records nothing) if that event_id is already kept. */
  add(built: BuiltEvent): boolean {
    if (this.capacity <= 0) return true;
    const id = built.id;
    if (this.index.has(id)) return false;
    const slot = this.next % this.capacity;
    const evicted = this.slots[slot];
    if (evicted !== undefined) this.index.delete(evicted.id);
    this.slots[slot] = built;
    this.index.set(id, this.next);
    this.next++;
    return true;
  }

  /** Whether this event_id was delivered and is still kept. */
  has(eventId: string): boolean {
    return this.index.has(eventId);
  }

  /** Matching events delivered after `eventId`, or `undefined` if it is not kept. */
  after(eventId: string, filter: EventFilter): BuiltEvent[] | undefined {
    const seq = this.index.get(eventId);
    if (seq === undefined) return undefined;
    const out: BuiltEvent[] = [];
    for (let s = seq + 1; s < this.next; s++) {
      const built = this.slots[s % this.capacity] as BuiltEvent;
      if (matches(filter, built.event)) out.push(built);
    }
    return out;
  }
}
