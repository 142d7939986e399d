import type * as winston from 'winston';

/** Where a batch entry carries its lines, one string per event, for `RotatingFileTransport`. */
export const LINES = Symbol.for('orchestrator-events.lines');

/**
 * Hands the lines logged in one event-loop turn to winston as one entry. Per event, winston's
 * stream machinery (a transform, a pipe, a write callback on the next tick) cost a quarter of the
 * logging throughput; per batch it is noise, and the file writer needed a batch anyway.
 *
 * The entry carries the lines apart (`LINES`), not joined into `MESSAGE`: the writer encodes them
 * one by one straight into its buffer (cheaper than a join) and rotates exactly between two of
 * them. The transport behind this logger is the library's own, so no other reads `MESSAGE`.
 * Winston delivers to its transports synchronously, so a handed batch is in the writer's hands
 * when `hand()` returns: `flush()` and the exit paths rely on that.
 */
export class LineBatcher {
  private lines: string[] = [];
  private scheduled = false;
  private immediate = false;
  private readonly onExit = () => this.hand();

  constructor(private readonly logger: winston.Logger) {
    // A process.exit() right after logging must not lose the turn's lines.
    process.on('exit', this.onExit);
  }

  /** Queues one line for the end of this event-loop turn (constant time). */
  add(line: string): void {
    this.lines.push(line);
    if (this.immediate) {
      this.hand();
    } else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.handScheduled);
    }
  }

  /** Hands everything queued to winston now. */
  hand(): void {
    if (this.lines.length === 0) return;
    const lines = this.lines;
    this.lines = [];
    // EventLogger has applied LOG_LEVEL already; the winston logger passes every level.
    this.logger.write({
      level: 'INFO',
      message: '',
      [LINES]: lines,
    } as winston.LogEntry);
  }

  /**
   * Hands what is queued, and from now on each line as it comes: after shutdown no later turn
   * may run, so nothing can wait for one.
   */
  close(): void {
    this.immediate = true;
    this.hand();
    process.off('exit', this.onExit);
  }

  private readonly handScheduled = () => {
    this.scheduled = false;
    this.hand();
  };
}
