/** Events the page keeps in memory by default: older ones are a query away (the run view). */
export const DEFAULT_EVENT_WINDOW = 5000;

/**
 * The newest `capacity` items in a ring: O(1) to add, O(1) to read by rank (0 = newest), fixed
 * memory however long the page stays open. `received` counts every item ever added.
 */
export class EventWindow<T> {
  private readonly items: (T | undefined)[];
  private next = 0;
  private count = 0;
  /** Items added since the last `clear()`, kept or not. */
  received = 0;
  /** Bumped on every change: views redraw only when it moved. */
  version = 0;

  constructor(readonly capacity = DEFAULT_EVENT_WINDOW) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError('capacity must be a positive integer');
    }
    this.items = new Array<T | undefined>(capacity);
  }

  /** Items kept (at most `capacity`). */
  get size(): number {
    return this.count;
  }

  push(item: T): void {
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    this.received++;
    this.version++;
  }

  /** The item of rank `i`: 0 is the newest, `size - 1` the oldest kept. */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.items[(this.next - 1 - i + this.capacity * 2) % this.capacity];
  }

  /** Kept items, oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = this.count - 1; i >= 0; i--) out.push(this.at(i) as T);
    return out;
  }

  clear(): void {
    this.items.fill(undefined);
    this.next = 0;
    this.count = 0;
    this.received = 0;
    this.version++;
  }
}
