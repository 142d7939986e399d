import { performance } from 'node:perf_hooks';

/** How the ingest gives way (see `IngestPacer`). */
const PACE = {
  /** The most of the event loop the parsing takes while the app is logging: 5 %. */
  share: 0.05,
  /** How long the ingest may hold back, or how far behind it may fall, before it catches up. */
  catchUpAfterMs: 2_000,
  /** The longest single rest, so that a slow slice does not park the ingest for long. */
  maxRestMs: 50,
  /** How long the ingest parses before it lets the loop turn: the longest it holds up the app. */
  sliceMs: 1,
  /** Event-loop utilization from which the app counts as saturated (a burst). */
  busy: 0.9,
  /** How long the loop is watched before a batch, to tell a burst. */
  probeMs: 10,
} as const;

/** The clocks the pacer reads; a test gives its own. */
export interface PacerClock {
  /** A monotonic clock, in ms. */
  elapsed(): number;
  /** The clock of the events' timestamps, in ms. */
  wall(): number;
  /** The event loop's utilization (0 to 1) since the previous call. */
  utilization(): number;
}

/** `performance.now`, `Date.now` and `performance.eventLoopUtilization`. */
export function systemPacerClock(): PacerClock {
  let last = performance.eventLoopUtilization();
  return {
    elapsed: () => performance.now(),
    wall: Date.now,
    utilization: () => {
      const now = performance.eventLoopUtilization();
      const since = performance.eventLoopUtilization(now, last);
      last = now;
      return since.utilization;
    },
  };
}

/**
 * Keeps the ingest out of the way of `log()`. The ingest parses on the app's event loop, and the
 * database often works on the rows on the same machine: during a burst (the app's loop saturated)
 * both would take CPU from the app. So the ingest gives way, twice:
 *
 * - between batches, it does not start one while the loop is saturated (90 %), up to
 *   2 s (`holdBack()`), and takes up the backlog once the burst is over;
 * - inside a batch, it parses in slices of 1 ms and, while the writer is appending,
 *   rests after each so that it takes at most 5 % of the loop (`pause()`).
 *
 * Giving way has a bound: after holding back for 2 s, or once the line being parsed is 2 s old, it
 * runs at full speed until it has caught up (a batch that is not full), so an app that never stops
 * logging is slowed by the ingest's real cost rather than left without history. At a steady rate
 * the loop is far from saturated and the batches are small: it never waits.
 */
export class IngestPacer {
  private sliceStart: number;
  /** Since when batches have been held back (undefined: not holding back). */
  private holdingSince: number | undefined;
  /** Held back for the longest allowed: no more until the backlog is read. */
  private catchingUp = false;

  /**
   * @param writing whether the writer has appended since the last call (the app is logging now)
   * @param clock the clocks (default: the system's)
   */
  constructor(
    private readonly writing: () => boolean,
    private readonly clock: PacerClock = systemPacerClock(),
  ) {
    this.sliceStart = clock.elapsed();
  }

  /**
   * Before a batch: whether to wait rather than start it, because the app is logging and its loop
   * is saturated
   * (watched for 10 ms: a longer look back would blur the start of a burst into the quiet before
   * it). Never for more than 2 s in a row, and not again until the backlog has been read (`read()`).
   */
  async holdBack(): Promise<boolean> {
    // Only a burst of logging is waited for: a backlog read while the writer is quiet goes on.
    if (this.catchingUp || !this.writing()) {
      this.holdingSince = undefined;
      return false;
    }
    this.clock.utilization();
    await new Promise((resolve) => setTimeout(resolve, PACE.probeMs));
    const busy = this.clock.utilization() >= PACE.busy;
    if (!busy) {
      this.holdingSince = undefined;
      return false;
    }
    const now = this.clock.elapsed();
    this.holdingSince ??= now;
    if (now - this.holdingSince < PACE.catchUpAfterMs) return true;
    this.holdingSince = undefined;
    this.catchingUp = true;
    return false;
  }

  /** After a batch: `full` when it read a whole batch (a backlog is left), else it has caught up. */
  read(full: boolean): void {
    if (!full) this.catchingUp = false;
  }

  /** Marks the start of a run of parsing (a batch): time spent waiting before it is not work. */
  start(): void {
    this.sliceStart = this.clock.elapsed();
  }

  /** Whether the parsing has held the loop for a slice: then `pause()`. Cheap; call it often. */
  due(): boolean {
    return this.clock.elapsed() - this.sliceStart >= PACE.sliceMs;
  }

  /** How long to rest now, in ms, after the slice that began at `start()` or the last pause. */
  rest(eventMs: number): number {
    const worked = this.clock.elapsed() - this.sliceStart;
    const behind = this.clock.wall() - eventMs;
    if (this.catchingUp || behind >= PACE.catchUpAfterMs || !this.writing()) return 0;
    return Math.min(worked * (1 / PACE.share - 1), PACE.maxRestMs);
  }

  /**
   * Between two slices of parsing: lets the loop turn, and rests while the app logs, unless the
   * line at `eventMs` (its timestamp) shows the ingest has fallen too far behind.
   */
  async pause(eventMs: number): Promise<void> {
    const rest = this.rest(eventMs);
    await new Promise<void>((resolve) =>
      rest >= 1 ? setTimeout(resolve, rest) : setImmediate(resolve),
    );
    this.sliceStart = this.clock.elapsed();
  }
}
