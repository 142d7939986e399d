import {
  CountsPage,
  CountsQuery,
  DEFAULT_COUNTS_BUCKET_S,
  EventLevel,
  MAX_COUNTS_BUCKET_S,
  MAX_COUNTS_BUCKETS,
  OrchestratorEvent,
} from '@orchestrator/events-contract';
import { toTimestamp } from '../event/event-time';

/**
 * Events per level per time bucket, folded from events in any order. Buckets start at multiples of
 * the width since the epoch (UTC), so a wider bucket is a whole number of narrower ones and the
 * width can be widened after the fold: at most `MAX_COUNTS_BUCKETS` from the first to the last.
 */
export class CountsFold {
  private readonly counts = new Map<number, Partial<Record<EventLevel, number>>>();
  private width: number;

  /** @param bucket the requested width in seconds (default one minute, clamped to 1 s-1 week). */
  constructor(bucket: number | undefined, since?: string, until?: string) {
    this.width = clampBucket(bucket);
    // A window known in advance is widened first: the fold then keeps few buckets.
    if (since !== undefined && until !== undefined) {
      this.width = widen(this.width, Date.parse(since), Date.parse(until) - 1);
    }
  }

  add(event: OrchestratorEvent): void {
    this.addCount(Date.parse(event.timestamp), event.level, 1);
  }

  /** The width buckets start at before `page()` widens it (a store groups its rows by it). */
  get initialWidth(): number {
    return this.width;
  }

  /** Adds `n` events of `level` at `ms` (a store's counts, already grouped by bucket). */
  addCount(ms: number, level: EventLevel, n: number): void {
    if (!Number.isFinite(ms)) return;
    const start = Math.floor(ms / 1000 / this.width) * this.width;
    let bucket = this.counts.get(start);
    if (bucket === undefined) this.counts.set(start, (bucket = {}));
    bucket[level] = (bucket[level] ?? 0) + n;
  }

  /** The buckets in time order, empty ones left out, at the width that bounds their number. */
  page(): CountsPage {
    const starts = [...this.counts.keys()].sort((a, b) => a - b);
    if (starts.length === 0) return { bucket: this.width, buckets: [] };
    const width = widen(this.width, starts[0] * 1000, starts[starts.length - 1] * 1000);
    const merged = new Map<number, Partial<Record<EventLevel, number>>>();
    for (const start of starts) {
      const wide = Math.floor(start / width) * width;
      const into = merged.get(wide) ?? {};
      merged.set(wide, into);
      for (const [level, n] of Object.entries(this.counts.get(start) ?? {})) {
        into[level as EventLevel] = (into[level as EventLevel] ?? 0) + n;
      }
    }
    return {
      bucket: width,
      buckets: [...merged].map(([start, counts]) => ({
        start: new Date(start * 1000).toISOString(),
        counts,
      })),
    };
  }
}

/** The query's window in the logger's timestamp form (a `RangeError` for a bad bound). */
export function countsWindow(query: CountsQuery): { since?: string; until?: string } {
  return {
    since: query.since === undefined ? undefined : toTimestamp(query.since),
    until: query.until === undefined ? undefined : toTimestamp(query.until),
  };
}

function clampBucket(bucket: number | undefined): number {
  if (bucket === undefined || !Number.isFinite(bucket)) return DEFAULT_COUNTS_BUCKET_S;
  return Math.min(MAX_COUNTS_BUCKET_S, Math.max(1, Math.floor(bucket)));
}

/** The least multiple of `width` whose buckets from `fromMs` to `toMs` number at most the cap. */
function widen(width: number, fromMs: number, toMs: number): number {
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs < fromMs) return width;
  const span = (w: number) => Math.floor(toMs / 1000 / w) - Math.floor(fromMs / 1000 / w) + 1;
  let factor = Math.max(1, Math.ceil(span(width) / MAX_COUNTS_BUCKETS));
  while (span(width * factor) > MAX_COUNTS_BUCKETS) factor++;
  return width * factor;
}
