import { EVENT_LEVELS, EventLevel } from '@orchestrator/events-contract';

/** Seconds of per-second counts kept: the longest window the chart shows (1 h). */
export const RATE_HORIZON_S = 3600;
/** Points drawn at most: longer windows sum several seconds per point. */
export const MAX_POINTS = 600;

/** The chart's data: bucket start times (s) and events per second of each level. */
export interface RateSeries {
  /** Start of each bucket, in seconds since the epoch (what uPlot's time axis takes). */
  x: number[];
  bucketS: number;
  perLevel: Record<EventLevel, number[]>;
}

const LEVEL_INDEX: Record<string, number> = { DEBUG: 0, INFO: 1, WARNING: 2, ERROR: 3 };
const LEVELS = EVENT_LEVELS.length;

/**
 * Events per second by level, for the last `RATE_HORIZON_S` seconds: a ring of per-second
 * counters (fixed memory, whatever the rate), plus totals since the page loaded.
 */
export class RateBuckets {
  private readonly counts = new Uint32Array(RATE_HORIZON_S * LEVELS);
  private readonly secondOf = new Float64Array(RATE_HORIZON_S).fill(-1);
  private newestS = -Infinity;
  /** Events counted per level since the last `clear()`, in or out of the horizon. */
  readonly totals: Record<EventLevel, number> = { DEBUG: 0, INFO: 0, WARNING: 0, ERROR: 0 };
  version = 0;

  clear(): void {
    this.counts.fill(0);
    this.secondOf.fill(-1);
    this.newestS = -Infinity;
    for (const level of EVENT_LEVELS) this.totals[level] = 0;
    this.version++;
  }

  /** Counts one event logged at `ms` with `level`. */
  add(ms: number, level: EventLevel): void {
    const index = LEVEL_INDEX[level];
    if (index === undefined) return;
    this.totals[level]++;
    this.version++;
    const second = Math.floor(ms / 1000);
    if (second > this.newestS) this.newestS = second;
    // Older than the horizon: in the totals only.
    if (second <= this.newestS - RATE_HORIZON_S) return;
    const slot = second % RATE_HORIZON_S;
    if (this.secondOf[slot] !== second) {
      // The slot held a second one horizon ago: reuse it.
      this.secondOf[slot] = second;
      this.counts.fill(0, slot * LEVELS, slot * LEVELS + LEVELS);
    }
    this.counts[slot * LEVELS + index]++;
  }

  /** Events counted in one second (0 when outside the horizon). */
  countAt(second: number, level: EventLevel): number {
    const slot = ((second % RATE_HORIZON_S) + RATE_HORIZON_S) % RATE_HORIZON_S;
    if (this.secondOf[slot] !== second) return 0;
    return this.counts[slot * LEVELS + LEVEL_INDEX[level]];
  }

  /**
   * Events per level in the seconds from the one holding `fromMs` to the last one starting before
   * `toMs`, and
   * those bounds as a query would give them: `since` inclusive, `until` exclusive, in ms. Seconds
   * older than the horizon count 0: `complete` says whether the span lies within it.
   */
  totalsBetween(
    fromMs: number,
    toMs: number,
  ): { counts: Record<EventLevel, number>; sinceMs: number; untilMs: number; complete: boolean } {
    const fromS = Math.floor(fromMs / 1000);
    const toS = Math.max(fromS, Math.ceil(toMs / 1000) - 1);
    const counts = { DEBUG: 0, INFO: 0, WARNING: 0, ERROR: 0 } as Record<EventLevel, number>;
    for (let s = fromS; s <= toS; s++) {
      for (const level of EVENT_LEVELS) counts[level] += this.countAt(s, level);
    }
    const complete = !Number.isFinite(this.newestS) || fromS > this.newestS - RATE_HORIZON_S;
    return { counts, sinceMs: fromS * 1000, untilMs: (toS + 1) * 1000, complete };
  }

  /**
   * Rates from `fromMs` to `toMs`: one point per second, or per several seconds past
   * `MAX_POINTS`, each the mean rate of its bucket in events per second.
   */
  series(fromMs: number, toMs: number): RateSeries {
    const fromS = Math.floor(fromMs / 1000);
    const toS = Math.max(fromS, Math.floor(toMs / 1000));
    const bucketS = Math.max(1, Math.ceil((toS - fromS + 1) / MAX_POINTS));
    const x: number[] = [];
    const perLevel = { DEBUG: [], INFO: [], WARNING: [], ERROR: [] } as Record<
      EventLevel,
      number[]
    >;
    for (let start = fromS; start <= toS; start += bucketS) {
      x.push(start);
      for (const level of EVENT_LEVELS) {
        let sum = 0;
        for (let s = start; s < start + bucketS && s <= toS; s++) sum += this.countAt(s, level);
        perLevel[level].push(sum / bucketS);
      }
    }
    return { x, bucketS, perLevel };
  }
}
