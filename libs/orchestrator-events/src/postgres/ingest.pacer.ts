import { performance } from 'node:perf_hooks';

/** The most of the event loop the ingest takes while the app is logging: 5 %. */
const SHARE = 0.05;

/** How far behind the writer the ingest may fall before it stops giving way: 2 s. */
const CATCH_UP_AFTER_MS = 2_000;

/** The longest single rest, so that a slow chunk does not park the ingest for long. */
const MAX_REST_MS = 50;

/** How long the ingest parses before it lets the loop turn: the longest it holds up the app. */
const SLICE_MS = 1;

/**
 * Keeps the ingest's parsing out of the way of `log()`. The ingest parses on the app's event loop,
 * between the app's own work: during a burst (the writer appending while a batch is parsed) it
 * rests after each chunk of lines so that it takes at most {@link SHARE} of the loop, and takes up
 * the backlog once the burst is over. Giving way has a bound: once the line being parsed is more
 * than {@link CATCH_UP_AFTER_MS} old, the ingest runs at full speed until it has caught up, so an
 * app that logs without pause is slowed by the ingest's real cost rather than left without history.
 * At a steady rate its batches are small (one per write window) and it never rests.
 */
export class IngestPacer {
  private chunkStart: number;

  /**
   * @param writing whether the writer has appended since the last call (the app is logging now)
   * @param elapsed a monotonic clock in ms (default `performance.now`)
   * @param wall the clock of the events' timestamps, in ms (default `Date.now`)
   */
  constructor(
    private readonly writing: () => boolean,
    private readonly elapsed: () => number = () => performance.now(),
    private readonly wall: () => number = Date.now,
  ) {
    this.chunkStart = elapsed();
  }

  /** Marks the start of a run of parsing (a batch): time spent waiting before it is not work. */
  start(): void {
    this.chunkStart = this.elapsed();
  }

  /** Whether the parsing has held the loop for a slice: then `pause()`. Cheap; call it often. */
  due(): boolean {
    return this.elapsed() - this.chunkStart >= SLICE_MS;
  }

  /** How long to rest now, in ms, after the slice that began at `start()` or the last pause. */
  rest(eventMs: number): number {
    const worked = this.elapsed() - this.chunkStart;
    const behind = this.wall() - eventMs;
    if (behind >= CATCH_UP_AFTER_MS || !this.writing()) return 0;
    return Math.min(worked * (1 / SHARE - 1), MAX_REST_MS);
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
    this.chunkStart = this.elapsed();
  }
}
