/* eslint-disable max-lines -- one state machine (queue, rotation, failure back-off, pending bound)
   whose invariants (no line lost, split or reordered; exact rotation) hold only if it stays in one
   place; its helpers (log-files.ts, the transport, the scheduler) are already apart. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { WriteOutScheduler } from './write-out.scheduler';
import type { LogFileLock } from './log-file.lock';
import { makeDirectory } from './log-directory';
import { backupPath, staleBackups } from './log-files';

/** Counters a health check can show. */
export interface FileWriterStats {
  /** Lines written to disk since start. */
  written: number;
  /** Lines accepted but not yet on disk. */
  pending: number;
  rotations: number;
  /** Failed write attempts (the lines stay queued and are retried). */
  writeErrors: number;
  /** The latest write error, cleared once a write succeeds again. */
  lastError: string | undefined;
  /** Torn last lines (from a crash mid-write) found at open and ended with a newline. */
  tornLines: number;
  /** Bytes held in memory for the file while writing fails (0 while it works). */
  pendingBytes: number;
  /** Lines dropped since start because writing failed and `maxPendingBytes` was reached. */
  dropped: number;
}

/** Limits and hooks of a `RotatingFileWriter` beyond its file. */
export interface RotatingFileWriterOptions {
  /**
   * While writes fail, lines wait in memory up to this many bytes; later ones are dropped and
   * counted. Default 64 MiB.
   */
  maxPendingBytes?: number;
  /** Called once writing works again after lines were dropped, with how many. */
  onDropped?: (dropped: number) => void;
  /** When queued lines are written out (end of turn, process exit): the module's one scheduler. */
  scheduler: WriteOutScheduler;
  /**
   * The cross-process lock of the file, which follows it: each new current file (rotation, a
   * reopen) is locked before it takes the path, and the old one freed after. Default: none.
   */
  lock?: Pick<LogFileLock, 'take' | 'keepOnly'>;
  /**
   * Called at process exit when lines could not be written and are lost (the disk still fails),
   * with how many and the last write error. Default: none.
   */
  onLost?: (lost: number, error: Error) => void;
  /** Called (from the constructor too) when a torn last line was found and ended. Default: none. */
  onTornLine?: () => void;
}

const RETRY_MIN_MS = 50;
const SCRATCH_MIN_BYTES = 1 << 20;
/** A batch larger than this gets a Buffer of its own rather than growing the reused one further. */
const SCRATCH_MAX_BYTES = 8 << 20;
const RETRY_MAX_MS = 2000;

/**
 * Files open for writing in this process. Deliberately process-wide (not per writer or module):
 * two writers on one file, from two modules in one process, is how the seed lost lines.
 */
const openFiles = new Set<string>();

/**
 * Appends lines to a file and rotates it by size, exactly:
 * - a file never passes `maxSize` unless a single line is larger than `maxSize`;
 * - exactly `maxFiles` numbered backups are kept (`file.1` newest), counted from the directory
 *   itself, so no state file can make it keep more;
 * - the current file is always reachable at `file` (the old one is hard-linked to `file.1`, then an
 *   empty file is renamed over `file`), so `tail -F file` follows across rotations;
 * - lines are queued by `append()` (constant time) and written in one batch per event-loop turn with
 *   synchronous writes, so nothing is in flight when the process exits and order is never in doubt.
 * A failed write keeps its lines queued and is retried with backoff (appends only queue meanwhile);
 * while it fails, memory is bounded by `maxPendingBytes`, beyond which lines are dropped and counted.
 */
export class RotatingFileWriter {
  private fd = -1;
  private ino = -1;
  private size = 0;
  private queue: string[] = [];
  /** Reused for encoding batches: a fresh Buffer per batch was a tenth of the logging time, in GC. */
  private scratch = Buffer.allocUnsafe(SCRATCH_MIN_BYTES);
  /** Bytes of a batch a failed write left half written: they go first on the retry. */
  private unwritten: Buffer | undefined;
  private unwrittenLines = 0;
  /** Lines of its buffer a failed `writeBuffer()` left on disk, whole. */
  private keptLines = 0;
  private accepted = 0;
  private written = 0;
  private rotations = 0;
  private writeErrors = 0;
  private lastError: string | undefined;
  private lastFailure: Error | undefined;
  private tornLines = 0;
  private scheduled = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay = RETRY_MIN_MS;
  private waiters: { upTo: number; resolve: () => void }[] = [];
  private closed = false;
  /** Bytes of the queue and `unwritten`, counted only while writes fail (see `failing`). */
  private pendingBytes = 0;
  private dropped = 0;
  private droppedUnreported = 0;
  private readonly maxPendingBytes: number;
  private readonly scheduler: WriteOutScheduler;
  /** Unregisters the exit flush; set while registered. */
  private offExit: (() => void) | undefined;

  constructor(
    readonly file: string,
    private readonly maxSize: number,
    private readonly maxFiles: number,
    private readonly options: RotatingFileWriterOptions,
  ) {
    this.maxPendingBytes = options.maxPendingBytes ?? 64 * 1024 ** 2;
    if (openFiles.has(file)) {
      throw new Error(`${file} is already open for writing in this process: one file, one writer`);
    }
    this.open();
    openFiles.add(file);
    for (const stale of staleBackups(file, maxFiles)) fs.rmSync(stale, { force: true });
    this.scheduler = options.scheduler;
    // A process.exit() right after logging must not lose the queue.
    this.armExit();
  }

  /** Queues one line (without its newline) and returns its sequence number. */
  append(line: string): number {
    this.accepted++;
    if (this.failing) {
      this.hold(line);
      return this.accepted;
    }
    this.queue.push(line);
    if (this.closed) {
      this.flushSync();
    } else if (!this.scheduled) {
      this.scheduled = true;
      this.scheduler.schedule(this.flushScheduled);
    }
    return this.accepted;
  }

  /**
   * Writes a batch now, synchronously, after whatever is still queued: for callers that batch
   * already (one event-loop turn's lines). The writer keeps the array. A failed write keeps the
   * lines queued for the retry, like `append()`.
   */
  write(lines: string[]): void {
    if (lines.length === 0) return;
    this.accepted += lines.length;
    if (this.failing) {
      // Only the retry timer writes while the file fails (its back-off), and memory stays bounded.
      for (const line of lines) this.hold(line);
      if (this.closed) this.flushSync();
      return;
    }
    if (this.queue.length === 0 && this.unwritten === undefined) {
      this.queue = lines;
    } else {
      for (const line of lines) this.queue.push(line);
    }
    this.flushSync();
  }

  /** Resolves once every line appended before the call is written to the file. */
  flush(): Promise<void> {
    const upTo = this.accepted;
    if (this.written + this.dropped >= upTo) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push({ upTo, resolve });
      if (!this.scheduled && this.retryTimer === undefined) {
        this.scheduled = true;
        this.scheduler.schedule(this.flushScheduled);
      }
    });
  }

  /**
   * Tries, for up to `timeoutMs`, to write what a failing file still holds (at shutdown, the disk
   * may come back); resolves once everything is written or the time is up.
   */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let delay = RETRY_MIN_MS;
    this.flushSync();
    while (this.hasUnwritten() && performance.now() < deadline) {
      // A timer that holds the process: it must not exit in the middle of the wait.
      const wait = Math.max(0, Math.min(delay, deadline - performance.now()));
      await new Promise((resolve) => setTimeout(resolve, wait));
      delay = Math.min(delay * 2, RETRY_MAX_MS);
      this.flushSync();
    }
  }

  /**
   * Writes what is queued; later appends are written at once, synchronously. Lines that still
   * cannot be written get one more try at process exit, where `onLost` reports them.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.flushSync();
    if (!this.hasUnwritten()) this.disarmExit();
    openFiles.delete(this.file);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  stats(): FileWriterStats {
    return {
      written: this.written,
      pending: this.accepted - this.written - this.dropped,
      rotations: this.rotations,
      writeErrors: this.writeErrors,
      lastError: this.lastError,
      tornLines: this.tornLines,
      pendingBytes: this.pendingBytes,
      dropped: this.dropped,
    };
  }

  private hasUnwritten(): boolean {
    return this.queue.length > 0 || this.unwritten !== undefined;
  }

  private armExit(): void {
    this.offExit ??= this.scheduler.onExit(this.exitFlush);
  }

  private disarmExit(): void {
    this.offExit?.();
    this.offExit = undefined;
  }

  /**
   * Lines accepted and not on disk (queued, or dropped and not reported yet), with the last write
   * error: what is lost if the process ends now.
   */
  notOnDisk(): { lines: number; error: Error | undefined } {
    const pending = this.accepted - this.written - this.dropped;
    return { lines: pending + this.droppedUnreported, error: this.lastFailure };
  }

  /** The last try, at process exit; what it cannot write is lost, and said so. */
  private readonly exitFlush = () => {
    const failure = this.lastFailure;
    // Dropped lines are lost too; a flush that works now only schedules their report, too late.
    const dropped = this.droppedUnreported;
    this.flushSync();
    const pending = this.accepted - this.written - this.dropped;
    const lost = pending + Math.max(dropped, this.droppedUnreported);
    const error = this.lastFailure ?? failure;
    if (lost > 0 && error !== undefined) this.options.onLost?.(lost, error);
  };

  /** A write failed and its retry is pending: appends wait for the retry. */
  private get failing(): boolean {
    return this.retryTimer !== undefined;
  }

  /** Queues a line while the file fails, or drops it past `maxPendingBytes`. */
  private hold(line: string): void {
    const bytes = Buffer.byteLength(line) + 1;
    if (this.pendingBytes + bytes > this.maxPendingBytes) {
      this.dropped++;
      this.droppedUnreported++;
      return;
    }
    this.pendingBytes += bytes;
    this.queue.push(line);
  }

  private readonly flushScheduled = () => {
    this.scheduled = false;
    this.flushSync();
  };

  /** Writes everything queued now, synchronously (history reads, exit paths, each batch). */
  flushSync(): void {
    if (this.queue.length === 0 && this.unwritten === undefined) return;
    try {
      this.checkFile();
      if (this.unwritten) {
        try {
          this.writeBuffer(this.unwritten);
        } catch (err) {
          this.written += this.keptLines;
          this.unwrittenLines -= this.keptLines;
          throw err;
        }
        this.unwritten = undefined;
        this.written += this.unwrittenLines;
        this.unwrittenLines = 0;
      }
      while (this.queue.length > 0) {
        const lines = this.queue;
        this.queue = [];
        this.writeLines(lines);
      }
      this.retryDelay = RETRY_MIN_MS;
      this.lastError = undefined;
      this.lastFailure = undefined;
      this.pendingBytes = 0;
      if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      if (this.droppedUnreported > 0) {
        const dropped = this.droppedUnreported;
        this.droppedUnreported = 0;
        this.options.onDropped?.(dropped);
      }
    } catch (err) {
      this.writeErrors++;
      this.lastError =
        `${(err as NodeJS.ErrnoException).code ?? ''} ${(err as Error).message}`.trim();
      this.lastFailure = err instanceof Error ? err : new Error(String(err));
      // Closed, nothing retries any more: the exit is the last chance, and the place to report.
      if (this.closed) this.armExit();
      // Counted once per failure: from here on `hold()` keeps the count.
      this.pendingBytes = (this.unwritten?.length ?? 0) + queuedBytes(this.queue);
      this.scheduleRetry();
    }
    this.resolveWaiters();
  }

  /**
   * Encodes the lines one after another into the reused buffer and writes it in as few syscalls
   * as the size limit allows, rotating exactly between two lines: each line's size is known the
   * moment it is encoded, so nothing is measured twice.
   */
  private writeLines(lines: string[]): void {
    let first = 0; // index of the first line held in the buffer
    let used = 0; // bytes of the buffer holding lines[first..i)
    let i = 0;
    // On failure, the lines from here on are queued again (those before are written or `unwritten`).
    let requeueFrom = 0;
    try {
      for (; i < lines.length; i++) {
        const line = lines[i];
        requeueFrom = i;
        // At most 3 bytes per UTF-16 unit: below that bound no byte count is needed.
        if (used + line.length * 3 + 1 > this.scratch.length) {
          this.writeChunk(this.scratch.subarray(0, used), i - first);
          first = i;
          used = 0;
          if (!this.fitScratch(line)) {
            const alone = Buffer.from(line + '\n');
            if (this.size > 0 && this.size + alone.length > this.maxSize) this.rotate();
            // From here a failure keeps this line in `unwritten`: it must not be queued twice.
            requeueFrom = i + 1;
            this.writeChunk(alone, 1);
            first = i + 1;
            continue;
          }
        }
        const bytes = this.scratch.write(line, used, 'utf8') + 1;
        this.scratch[used + bytes - 1] = 10;
        if (this.size + used + bytes > this.maxSize && this.size + used > 0) {
          // This line would pass the limit: the lines before it close the file.
          this.writeChunk(this.scratch.subarray(0, used), i - first);
          this.rotate();
          this.scratch.copy(this.scratch, 0, used, used + bytes);
          first = i;
          used = 0;
        }
        used += bytes;
      }
      requeueFrom = lines.length;
      this.writeChunk(this.scratch.subarray(0, used), i - first);
    } catch (err) {
      // A chunk that failed half way is kept in `unwritten`; the lines after it are queued again.
      this.queue = lines.slice(requeueFrom).concat(this.queue);
      throw err;
    }
  }

  /** Makes the reused buffer big enough for `line`; false when it is too big to keep a buffer for. */
  private fitScratch(line: string): boolean {
    const bound = line.length * 3 + 1;
    if (bound <= this.scratch.length) return true;
    if (bound > SCRATCH_MAX_BYTES) return false;
    let size = this.scratch.length;
    while (size < bound) size *= 2;
    this.scratch = Buffer.allocUnsafe(Math.min(size, SCRATCH_MAX_BYTES));
    return true;
  }

  /** Writes `count` encoded lines; on failure their unwritten bytes stay in `unwritten`. */
  private writeChunk(buf: Buffer, count: number): void {
    if (count === 0) return;
    try {
      this.writeBuffer(buf);
    } catch (err) {
      this.written += this.keptLines;
      this.unwrittenLines = count - this.keptLines;
      throw err;
    }
    this.written += count;
  }

  /**
   * Writes whole lines only: a write cut short (disk full) is cut back to the end of its last whole
   * line, so no torn line is left behind if the process ends before the retry writes the rest.
   * On failure, `keptLines` says how many of the buffer's lines are on disk.
   */
  private writeBuffer(buf: Buffer): void {
    let offset = 0;
    try {
      while (offset < buf.length) {
        offset += fs.writeSync(this.fd, buf, offset, buf.length - offset);
      }
    } catch (err) {
      // The buffer starts at a line's start (`size`): its last newline written ends a whole line.
      const whole = offset > 0 ? buf.lastIndexOf(10, offset - 1) + 1 : 0;
      if (offset > whole && this.truncate(this.size + whole)) offset = whole;
      this.keptLines = countNewlines(buf, offset);
      throw err;
    } finally {
      this.size += offset;
      // The reused buffer is overwritten by the next batch: what the retry needs is copied out.
      if (offset < buf.length) {
        this.unwritten =
          buf === this.unwritten && offset === 0 ? buf : Buffer.from(buf.subarray(offset));
      }
    }
  }

  /** False when even that fails: then the retry completes the torn line (or a restart ends it). */
  private truncate(size: number): boolean {
    try {
      fs.ftruncateSync(this.fd, size);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Shifts backups up by one (the rename over `file.<maxFiles>` deletes the oldest), links the
   * current file as `file.1` and renames a fresh empty file over `file`: at no moment is `file` missing.
   */
  private rotate(): void {
    // The new file first: when it cannot be made (EMFILE, EISDIR, ENOSPC), nothing has moved yet,
    // and the retry starts from the same state.
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      // Locked before it is the file at the path: a process starting meanwhile finds it held.
      this.options.lock?.take(fd);
      // A rotation that failed after its link left `file.1` as the current file: shifting again
      // would turn every backup into a link of this one file and push the real ones out.
      if (this.maxFiles > 0 && !this.isFirstBackup()) {
        for (let n = this.maxFiles - 1; n >= 1; n--) {
          renameIfExists(backupPath(this.file, n), backupPath(this.file, n + 1));
        }
        const first = backupPath(this.file, 1);
        fs.rmSync(first, { force: true });
        try {
          fs.linkSync(this.file, first);
        } catch {
          // File systems without hard links: a plain rename leaves `file` missing for a moment only.
          fs.renameSync(this.file, first);
        }
      }
      fs.renameSync(tmp, this.file);
    } catch (err) {
      this.options.lock?.keepOnly(this.fd);
      fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      throw err;
    }
    this.options.lock?.keepOnly(fd);
    fs.closeSync(this.fd);
    this.fd = fd;
    this.ino = fs.fstatSync(fd).ino;
    this.size = 0;
    this.rotations++;
  }

  private open(): void {
    // The real cause (EROFS, EACCES) when the directory cannot be made, not Node's ENOENT.
    makeDirectory(path.dirname(this.file));
    this.finishInterruptedRotation();
    const fd = fs.openSync(this.file, 'a+');
    try {
      // Usually the file the lock was taken on; after a reopen (it was deleted or replaced), a new one.
      this.options.lock?.take(fd);
      this.options.lock?.keepOnly(fd);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    this.fd = fd;
    const stat = fs.fstatSync(this.fd);
    this.ino = stat.ino;
    this.size = stat.size;
    if (this.size > 0 && !endsWithNewline(this.fd, this.size)) {
      // A crash tore the last line: end it so the next line starts clean (readers skip the fragment).
      this.writeBuffer(Buffer.from('\n'));
      this.tornLines++;
      this.options.onTornLine?.();
    }
  }

  /** True when `file.1` is the file being written (a rotation stopped between link and rename). */
  private isFirstBackup(): boolean {
    const first = fs.statSync(backupPath(this.file, 1), { throwIfNoEntry: false });
    return first !== undefined && first.ino === this.ino;
  }

  /** A crash between the link and the rename leaves `file` and `file.1` as one inode. */
  private finishInterruptedRotation(): void {
    const current = fs.statSync(this.file, { throwIfNoEntry: false });
    const first = fs.statSync(backupPath(this.file, 1), { throwIfNoEntry: false });
    if (current && first && current.ino === first.ino && current.dev === first.dev) {
      fs.rmSync(this.file);
    }
  }

  /** Reopens when the file was deleted or replaced under us (directory removed, external rotation). */
  private checkFile(): void {
    const stat = fs.statSync(this.file, { throwIfNoEntry: false });
    if (stat && stat.ino === this.ino && this.fd >= 0) return;
    const oldFd = this.fd;
    this.fd = -1;
    if (oldFd >= 0) fs.closeSync(oldFd);
    this.open();
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== undefined || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.flushSync();
    }, this.retryDelay);
    this.retryTimer.unref();
    this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
  }

  private resolveWaiters(): void {
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const waiter of this.waiters) {
      // A dropped line will never be written: it does not hold a waiter back.
      if (this.written + this.dropped >= waiter.upTo) waiter.resolve();
      else still.push(waiter);
    }
    this.waiters = still;
  }
}

function countNewlines(buf: Buffer, end: number): number {
  let count = 0;
  for (let i = buf.indexOf(10); i >= 0 && i < end; i = buf.indexOf(10, i + 1)) count++;
  return count;
}

function queuedBytes(lines: string[]): number {
  let bytes = 0;
  for (const line of lines) bytes += Buffer.byteLength(line) + 1;
  return bytes;
}

function renameIfExists(from: string, to: string): void {
  try {
    fs.renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function endsWithNewline(fd: number, size: number): boolean {
  const last = Buffer.alloc(1);
  fs.readSync(fd, last, 0, 1, size - 1);
  return last[0] === 10;
}
