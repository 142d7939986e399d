import { listLayout } from './virtual-list.layout';

/** What a list shows: `size` items, read by index. */
export interface ListItems<T> {
  readonly size: number;
  at(i: number): T | undefined;
}

export interface VirtualListOptions<T> {
  rowHeight: number;
  /** Rows drawn beyond each edge. Default 8. */
  overscan?: number;
  key(item: T): string;
  /**
   * Fills a row. `fresh`: the element was showing another item (or none) before; `expanded`:
   * the row is open (it may then be taller: it is measured).
   */
  render(item: T, row: HTMLElement, state: { fresh: boolean; expanded: boolean }): void;
  rowClass: string;
}

/**
 * A list of thousands of rows that keeps only the visible ones (plus a few) in the DOM, reusing
 * their elements by key: a new event on top moves rows down instead of rebuilding them. Rows
 * share one height, except expanded ones, which are measured.
 */
export class VirtualList<T> {
  private items: ListItems<T> = { size: 0, at: () => undefined };
  private readonly canvas: HTMLElement;
  private rows = new Map<string, HTMLElement>();
  private readonly spare: HTMLElement[] = [];
  /** Keys of the open rows. */
  readonly expanded = new Set<string>();
  /** Extra height of each open row, measured after it was drawn. */
  private readonly extraHeights = new Map<string, number>();
  private scheduled = false;
  /**
   * The viewport's scroll position and height, kept from scroll events and a ResizeObserver:
   * reading them from the DOM in a render would force a layout of everything changed so far.
   */
  private scrollTopPx = 0;
  private heightPx = 0;

  constructor(
    readonly viewport: HTMLElement,
    private readonly options: VirtualListOptions<T>,
  ) {
    this.canvas = document.createElement('div');
    this.canvas.className = 'vl-canvas';
    viewport.append(this.canvas);
    viewport.addEventListener(
      'scroll',
      () => {
        this.scrollTopPx = viewport.scrollTop;
        this.schedule();
      },
      { passive: true },
    );
    new ResizeObserver(([entry]) => {
      this.heightPx = entry.contentRect.height;
      this.schedule();
    }).observe(viewport);
  }

  /** The scroll position, as of the last scroll event (or `scrollTo`). */
  get scrollTop(): number {
    return this.scrollTopPx;
  }

  /** The viewport's height, as of the last resize (0 before the first). */
  get viewportHeight(): number {
    return this.heightPx;
  }

  /** Scrolls to `y` px from the top. */
  scrollTo(y: number): void {
    this.scrollTopPx = Math.max(0, y);
    this.viewport.scrollTop = this.scrollTopPx;
  }

  /** What to show; drawn at the next `render()` (or the next frame, unless `quiet`). */
  setItems(items: ListItems<T>, quiet = false): void {
    this.items = items;
    if (!quiet) this.schedule();
  }

  /** Opens or closes a row. */
  toggle(key: string): void {
    if (this.expanded.has(key)) {
      this.expanded.delete(key);
      this.extraHeights.delete(key);
    } else {
      this.expanded.add(key);
    }
    this.schedule();
  }

  /** Redraws in the next frame (once, however often it is asked). */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.render();
    });
  }

  render(): void {
    const { rowHeight, key, overscan = 8 } = this.options;
    const layout = listLayout({
      count: this.items.size,
      rowHeight,
      scrollTop: this.scrollTopPx,
      viewportHeight: this.heightPx || rowHeight * 20,
      overscan,
      extras: this.expandedExtras(),
    });
    const height = `${layout.totalHeight}px`;
    if (this.canvas.style.height !== height) this.canvas.style.height = height;
    // Rows that stay keep their element; elements of rows gone are refilled in place for the new
    // ones (no removal and insertion: under a flood every row changes at each redraw).
    const wanted: [number, T, string][] = [];
    const next = new Map<string, HTMLElement>();
    for (let i = layout.first; i < layout.end; i++) {
      const item = this.items.at(i);
      if (item === undefined) continue;
      const k = key(item);
      wanted.push([i, item, k]);
      const row = this.rows.get(k);
      if (row !== undefined) {
        next.set(k, row);
        this.rows.delete(k);
      }
    }
    const free = [...this.rows.values()];
    const measure: [string, HTMLElement][] = [];
    for (const [i, item, k] of wanted) {
      let row = next.get(k);
      const fresh = row === undefined;
      if (row === undefined) {
        row = free.pop() ?? this.spare.pop();
        if (row === undefined) row = this.newRow();
        if (row.parentNode !== this.canvas) this.canvas.append(row);
        next.set(k, row);
      }
      const expanded = this.expanded.has(k);
      this.options.render(item, row, { fresh, expanded });
      const transform = `translateY(${layout.top(i)}px)`;
      if (row.style.transform !== transform) row.style.transform = transform;
      if (expanded) measure.push([k, row]);
    }
    for (const row of free) {
      row.remove();
      if (this.spare.length < 64) this.spare.push(row);
    }
    this.rows = next;
    if (this.measureExpanded(measure)) this.schedule();
  }

  /** The extra height of each expanded row, by index, for the layout. */
  private expandedExtras(): { index: number; extra: number }[] {
    const extras: { index: number; extra: number }[] = [];
    if (this.extraHeights.size === 0) return extras;
    const size = this.items.size;
    for (let i = 0; i < size && extras.length < this.extraHeights.size; i++) {
      const extra = this.extraHeights.get(this.options.key(this.items.at(i) as T));
      if (extra !== undefined) extras.push({ index: i, extra });
    }
    return extras;
  }

  /** Records the heights of the expanded rows drawn; true when one changed (redraw). */
  private measureExpanded(measure: [string, HTMLElement][]): boolean {
    let changed = false;
    for (const [k, row] of measure) {
      const extra = Math.max(0, row.offsetHeight - this.options.rowHeight);
      if (this.extraHeights.get(k) !== extra) {
        this.extraHeights.set(k, extra);
        changed = true;
      }
    }
    return changed;
  }

  private newRow(): HTMLElement {
    const row = document.createElement('div');
    row.className = this.options.rowClass;
    return row;
  }
}
