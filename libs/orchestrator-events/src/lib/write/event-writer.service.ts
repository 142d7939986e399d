import { Inject, Injectable, Logger } from '@nestjs/common';
import * as winston from 'winston';
import { EventBus } from '../bus/event-bus';
import { EventBatcher } from './event-batcher';
import { BuiltEvent } from '../event/event-line';
import { LogFileLock } from '../file/log-file.lock';
import { RotatingFileTransport } from '../file/rotating-file.transport';
import { FileWriterStats, RotatingFileWriter } from '../file/rotating-file.writer';
import { ORCH_EVENTS_OPTIONS } from '../shared/orchestrator-events.constants';
import { MESSAGES } from '../shared/orchestrator-events.messages';
import { ResolvedOrchestratorEventsOptions } from '../options/orchestrator-events.options';
import { WriteOutScheduler } from '../file/write-out.scheduler';

const WINSTON_LEVELS = { ERROR: 0, WARNING: 1, INFO: 2, DEBUG: 3 };

/**
 * Where built events go: each turn's lines to the rotating file (through winston), then the events
 * to the bus. `EventLogger` adds to it; history readers call `flushSync()` before reading, so a
 * query sees every event logged before it. Neither calls the other: both depend on this.
 *
 * Internal: injected by the library's own providers, not part of the public API.
 */
@Injectable()
export class EventWriter {
  private readonly file: RotatingFileWriter;
  private readonly batcher: EventBatcher;
  private readonly droppedListeners: ((dropped: number) => void)[] = [];
  private readonly tornListeners: ((torn: number) => void)[] = [];
  private tornUnreported = 0;
  /** Set once `close()` retried a failing file: the loss report says for how long. */
  private retriedMs: number | undefined;
  /** Lines already reported lost (by `close()`), so the exit does not count them twice. */
  private reportedLost = 0;
  private readonly diagnostics = new Logger('EventLogger');
  private internalErrors = 0;

  constructor(
    @Inject(ORCH_EVENTS_OPTIONS) private readonly options: ResolvedOrchestratorEventsOptions,
    @Inject(EventBus) bus: EventBus,
    scheduler: WriteOutScheduler,
    // Taken before the file is opened (and repaired): one writer per file, across processes.
    private readonly lock: LogFileLock,
  ) {
    this.file = new RotatingFileWriter(options.logFile, options.maxSize, options.maxFiles, {
      maxPendingBytes: options.maxPendingBytes,
      scheduler,
      lock,
      onLost: (lost, error) => this.reportLost(lost, error),
      // Also called from the writer's constructor: `onTornLines()` tells those when it registers.
      onTornLine: () => {
        this.tornUnreported++;
        setImmediate(() => this.reportTorn());
      },
      // Told on the next turn: never from inside the writer's own write.
      onDropped: (dropped) =>
        setImmediate(() => {
          for (const listener of this.droppedListeners) listener(dropped);
        }),
    });
    const logger = winston.createLogger({
      levels: WINSTON_LEVELS,
      level: 'DEBUG',
      // The line is already serialized: winston's own json format would serialize it a second time.
      format: winston.format((info) => info)(),
      transports: [new RotatingFileTransport(this.file)],
      exitOnError: false,
    });
    this.batcher = new EventBatcher(
      logger,
      bus,
      (err) => this.recovered('writing or publishing a batch', err),
      scheduler,
    );
  }

  /** Queues one event: its line is written, then it is published, at the end of this turn. */
  add(built: BuiltEvent): void {
    this.batcher.add(built);
  }

  /** Writes out everything queued, now (the file may still be retrying a failed write). */
  flushSync(): void {
    this.batcher.flush();
    this.file.flushSync();
  }

  /** Resolves once everything queued before the call is on disk (or dropped, when the disk fails). */
  flush(): Promise<void> {
    this.batcher.flush();
    return this.file.flush();
  }

  /** Calls `listener` with how many lines were dropped, once writing works again after a failure. */
  onDropped(listener: (dropped: number) => void): void {
    this.droppedListeners.push(listener);
  }

  /**
   * Calls `listener` with how many torn last lines were found and ended: those found at start
   * right away, those found on a reopen on a later turn.
   */
  onTornLines(listener: (torn: number) => void): void {
    this.tornListeners.push(listener);
    // Found when the file was opened: told now, so that it is logged even if the app stops at once.
    this.reportTorn();
  }

  private reportTorn(): void {
    if (this.tornUnreported === 0 || this.tornListeners.length === 0) return;
    const torn = this.tornUnreported;
    this.tornUnreported = 0;
    for (const listener of this.tornListeners) listener(torn);
  }

  /**
   * Lines the file still refuses when it is closed, or at process exit, are lost: one line on
   * stderr says how many and where (at close: a process ended by a re-raised signal has no exit
   * handler), and the exit code says it too, a `process.exit(0)` after the shutdown hooks included.
   * At exit, only lines not reported at close are counted (events logged later still).
   */
  private reportLost(lost: number, error: Error): void {
    const unreported = lost - this.reportedLost;
    this.reportedLost = Math.max(this.reportedLost, lost);
    if (unreported > 0) {
      try {
        process.stderr.write(
          `${MESSAGES.eventsLost(unreported, this.file.file, error.message, this.retriedMs)}\n`,
        );
      } catch {
        // stderr closed: the exit code still tells.
      }
    }
    if (!process.exitCode || process.exitCode === '0') process.exitCode = 1;
  }

  /** Rotations since start: lets overlapping history reads share file descriptors. */
  rotations(): number {
    return this.file.stats().rotations;
  }

  stats(): FileWriterStats & { internalErrors: number } {
    return { ...this.file.stats(), internalErrors: this.internalErrors };
  }

  /** Counts and reports a failure the caller recovered from (a logger never throws). */
  recovered(what: string, err: unknown): void {
    this.internalErrors++;
    this.diagnostics.error(`${what} failed and recovered: ${(err as Error)?.message ?? err}`);
  }

  /**
   * Writes out what is queued and frees the file for the next process; later events are written as
   * they come, synchronously. While the file fails (disk full), it retries for up to
   * `shutdownRetryMs` first; what is still unwritten then is reported as lost at process exit.
   */
  async close(): Promise<void> {
    this.batcher.close();
    if (this.file.stats().pending > 0) {
      this.retriedMs = this.options.shutdownRetryMs;
      await this.file.drain(this.options.shutdownRetryMs);
    }
    this.file.close();
    this.lock.release();
    const unwritten = this.file.notOnDisk();
    if (unwritten.lines > 0 && unwritten.error !== undefined) {
      this.reportLost(unwritten.lines, unwritten.error);
    }
  }
}
