import { MAX_EVENT_ID_MS } from '@orchestrator/events-contract';
import { performance } from 'node:perf_hooks';

/**
 * The latest time the clock reads: microseconds are exact in a double up to 2^53 (2255-06-05), which
 * is also within the 13 digits of milliseconds an event id holds (`MAX_EVENT_ID_MS`, 2286-11-20).
 */
const MAX_US = Math.min(Number.MAX_SAFE_INTEGER, MAX_EVENT_ID_MS * 1000 + 999);

/** How often the monotonic clock is re-anchored to the wall clock. */
const RESYNC_INTERVAL_US = 1_000_000;

/** `'000'` to `'999'`: zero-padded digits by table, not by String + padStart per event. */
export const DIGITS3: readonly string[] = Array.from({ length: 1000 }, (_, n) =>
  String(n).padStart(3, '0'),
);

/**
 * Wall-clock time in microseconds that never goes backwards, and its ISO 8601 form.
 * `Date.now()` has only milliseconds and can jump back; `performance.now()` has microseconds and
 * is monotonic but drifts from the wall clock, so it is re-anchored once a second and clamped.
 */
export class EventClock {
  private offsetMs = Date.now() - performance.now();
  private lastUs = 0;
  private nextSyncUs = 0;
  private cachedMs = -1;
  private cachedPrefix = '';

  /**
   * Microseconds since the epoch, never less than the previous call's value, and within what an
   * event id can hold: a clock before 1970 reads as 1970, one past 2255-06-05 as that day.
   */
  nowMicros(): number {
    let us = Math.floor((this.offsetMs + performance.now()) * 1000);
    if (us >= this.nextSyncUs) {
      this.offsetMs = Date.now() - performance.now();
      us = Math.floor((this.offsetMs + performance.now()) * 1000);
      this.nextSyncUs = us + RESYNC_INTERVAL_US;
    }
    if (us < this.lastUs) us = this.lastUs;
    else if (us > MAX_US) us = MAX_US;
    this.lastUs = us;
    return us;
  }

  /** `2026-11-24T10:30:45.123456Z`; the part up to the millisecond is cached, since events come many per millisecond. */
  format(us: number): string {
    const ms = Math.floor(us / 1000);
    if (ms !== this.cachedMs) {
      this.cachedMs = ms;
      this.cachedPrefix = new Date(ms).toISOString().slice(0, 23);
    }
    return `${this.cachedPrefix}${DIGITS3[us - ms * 1000]}Z`;
  }
}
