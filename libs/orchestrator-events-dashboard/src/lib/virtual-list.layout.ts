/** A row taller than the others (an expanded event): its index and the height it adds. */
export interface ExtraHeight {
  index: number;
  extra: number;
}

export interface ListLayoutInput {
  count: number;
  rowHeight: number;
  scrollTop: number;
  viewportHeight: number;
  /** Rows drawn beyond each edge, so a fast scroll shows no blank. */
  overscan: number;
  /** The taller rows, in any order (few: the expanded ones). */
  extras?: readonly ExtraHeight[];
}

export interface ListLayout {
  /** First row drawn. */
  first: number;
  /** One past the last row drawn. */
  end: number;
  /** Height of the whole list, in px. */
  totalHeight: number;
  /** Top of row `i`, in px from the top of the list. */
  top(i: number): number;
}

/**
 * Which rows of a long list are on screen, and where: rows share one height except the few
 * expanded ones, so a position is `i * rowHeight` plus the extras above it. O(log n + extras²).
 */
export function listLayout(input: ListLayoutInput): ListLayout {
  const { count, rowHeight, scrollTop, viewportHeight, overscan } = input;
  const extras = [...(input.extras ?? [])]
    .filter((e) => e.index >= 0 && e.index < count && e.extra > 0)
    .sort((a, b) => a.index - b.index);
  const top = (i: number): number => {
    let y = i * rowHeight;
    for (const e of extras) {
      if (e.index >= i) break;
      y += e.extra;
    }
    return y;
  };
  const totalHeight = top(count);
  // Smallest i whose bottom is below `y` (the row at `y`).
  const rowAt = (y: number): number => {
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (top(mid + 1) > y) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const firstVisible = rowAt(Math.max(0, scrollTop));
  const lastVisible = rowAt(Math.max(0, scrollTop + viewportHeight - 1));
  return {
    first: Math.max(0, firstVisible - overscan),
    end: Math.min(count, lastVisible + 1 + overscan),
    totalHeight,
    top,
  };
}
