import type * as winston from 'winston';
import { EventBus } from '../bus/event-bus';
import { BuiltEvent } from '../event/event-line';
import { LINES } from '../file/rotating-file.transport';
import { WriteOutScheduler } from '../file/write-out.scheduler';

/**
 * One event-loop turn's events, on their way out: at the end of the turn their lines go to
 * winston as one entry, and only then are the events published to the bus. So
 * - winston's stream machinery (a transform, a pipe, a write callback on the next tick), which per
 *   event cost a quarter of the logging throughput, runs once per turn;
 * - a live reader never sees an event whose write was not even attempted: a crash cannot leave a
 *   client holding an id that the files never had. (A failing disk does not hold the stream back:
 *   the writer keeps those lines queued for its retry, and the events go out.)
 *
 * Winston delivers to its transports synchronously, so a handed batch is in the file (or the
 * writer's retry queue) when `flush()` returns: `EventLogger.flush()`, history reads and the exit paths rely on that.
 */
export class EventBatcher {
  private events: BuiltEvent[] = [];
  private scheduled = false;
  private immediate = false;
  private readonly offExit: () => void;

  /**
   * @param onError told of what winston or the bus threw; the rest of the batch still goes out.
   * @param scheduler runs `flush` at the end of the turn and at exit (before the writer's exit flush
   *   when this registers first).
   */
  constructor(
    private readonly logger: winston.Logger,
    private readonly bus: EventBus,
    private readonly onError: (err: unknown) => void,
    private readonly scheduler: WriteOutScheduler,
  ) {
    // A process.exit() right after logging must not lose the turn's events.
    this.offExit = scheduler.onExit(() => this.flush());
  }

  /** Queues one event for the end of this event-loop turn (constant time). */
  add(built: BuiltEvent): void {
    this.events.push(built);
    if (this.immediate) {
      this.flush();
    } else if (!this.scheduled) {
      this.scheduled = true;
      this.scheduler.schedule(this.flushScheduled);
    }
  }

  /** Writes and publishes everything queued, now. */
  flush(): void {
    const events = this.events;
    if (events.length === 0) return;
    this.events = [];
    const lines = new Array<string>(events.length);
    for (let i = 0; i < events.length; i++) lines[i] = events[i].line;
    // LOG_LEVEL was applied by EventLogger; this winston logger passes every level. The lines stay
    // apart (LINES), not joined into MESSAGE: the writer encodes them one by one into its buffer,
    // cheaper than a join, and rotates exactly between two of them.
    try {
      this.logger.write({ level: 'INFO', message: '', [LINES]: lines } as winston.LogEntry);
    } catch (err) {
      // Runs from a timer or a caller's flush(): nothing may throw out of here. The writer never
      // throws (a failed write stays queued for its retry); this is winston itself failing.
      this.onError(err);
    }
    for (const built of events) {
      try {
        this.bus.publish(built);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  /**
   * Hands what is queued, and from now on each event as it comes: after shutdown no later turn
   * may run, so nothing can wait for one.
   */
  close(): void {
    this.immediate = true;
    this.flush();
    this.offExit();
  }

  private readonly flushScheduled = () => {
    this.scheduled = false;
    this.flush();
  };
}
