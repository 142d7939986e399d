import * as fs from 'node:fs';
import * as path from 'node:path';
import { logFilesNewestFirst } from '../lib/file/log-files';

const NEWLINE = 10;
const CHUNK = 1024 * 1024;
const ID_FIELD = /"event_id":"([^"\\]*)"/;

/** A log file this reader holds open until it has read all of it. */
export interface Held {
  fd: number;
  /** Device and inode: the same file under its rotated names. */
  key: string;
  /** The event_id of its first line: files of one instance sort by it. */
  firstId: string;
  /** Bytes read (always at a line boundary). */
  offset: number;
}

/** What `LogTail.read()` returns; nothing counts as read until `commit()`. */
export interface TailBatch {
  /** Complete lines, oldest first, as written (without the newline). */
  lines: string[];
  /** Marks the lines as read: the next `read()` starts after them. */
  commit(): void;
  /** Where each file's reading stopped, and the files read to their end: for a read after it. */
  readonly offsets: ReadonlyMap<Held, number>;
  readonly finished: readonly Held[];
}

/**
 * Reads what the writer has put on disk, in order, across rotations, without ever writing: the
 * current file and its rotated backups are the write-ahead log of the history store.
 *
 * Each file is held open from when it is first seen until all of it is read: a rotation that
 * deletes a backup frees nothing this reader still needs (Linux keeps an unlinked file while a
 * descriptor is open). At most `maxHeld` files are held, so a long database outage on a busy
 * instance cannot keep disk space without bound: past it, the oldest file is let go and its unread
 * lines counted as a gap (`takeGaps()`).
 */
export class LogTail {
  private held: Held[] = [];
  private gaps: number[] = [];
  private watcher: fs.FSWatcher | undefined;
  /** Set by `rewind()`: the next `discover()` looks at the files on disk even without a rotation. */
  private rediscover = false;
  /** The current file's size at the last `growing()`. */
  private lastSize = -1;

  constructor(
    private readonly file: string,
    private readonly maxFiles: number,
    private readonly maxHeld = 2 * (maxFiles + 1),
  ) {}

  /**
   * Up to `maxLines` complete lines after what was read, oldest first. `afterId` (the checkpoint)
   * lets a fresh reader skip the files it has already ingested entirely. With `after`, a batch not
   * committed yet, the lines that follow it (read ahead while it is being stored; committed after
   * it, or dropped): none once the writer has rotated, so that the next read looks at the files.
   */
  async read(afterId: string | undefined, maxLines: number, after?: TailBatch): Promise<TailBatch> {
    const lines: string[] = [];
    const offsets = new Map<Held, number>();
    const finished: Held[] = [];
    if (after === undefined) this.discover(afterId);
    else if (this.rotated()) return { lines, commit: () => undefined, offsets, finished };
    for (let i = 0; i < this.held.length && lines.length < maxLines; i++) {
      const file = this.held[i];
      if (after?.finished.includes(file)) continue;
      const from = after?.offsets.get(file) ?? file.offset;
      const size = fs.fstatSync(file.fd).size;
      const newest = i === this.held.length - 1;
      const offset = await readLines(file.fd, from, size, maxLines - lines.length, lines);
      offsets.set(file, offset);
      // A rotated file no longer grows: read to its end (a torn last line, if any, is left), done.
      if (!newest && lines.length < maxLines) finished.push(file);
    }
    return {
      lines,
      commit: () => {
        for (const [file, offset] of offsets) file.offset = offset;
        for (const file of finished) this.release(file);
      },
      offsets,
      finished,
    };
  }

  /** Whether the current file is another one than the newest held (a rotation since). */
  private rotated(): boolean {
    const newest = this.held[this.held.length - 1];
    try {
      const stat = fs.statSync(this.file);
      return newest === undefined || newest.key !== `${stat.dev}:${stat.ino}`;
    } catch {
      return true;
    }
  }

  /**
   * Reads everything again from the start of each file: the database's checkpoint went back (it
   * lost commits it had acknowledged, or was restored), so lines this reader had passed are not
   * stored any more. Files already released are opened again if still on disk; the checkpoint
   * given to the next `read()` skips the files and lines that are stored.
   */
  rewind(): void {
    for (const file of this.held) file.offset = 0;
    this.rediscover = true;
  }

  /** Whether the current file changed size since the last call: the writer is appending (or rotated). */
  growing(): boolean {
    let size: number;
    try {
      size = fs.statSync(this.file).size;
    } catch {
      return false;
    }
    // The first look has nothing to compare with: not growing, as far as it knows.
    const changed = this.lastSize !== -1 && size !== this.lastSize;
    this.lastSize = size;
    return changed;
  }

  /** Bytes on disk not read yet: the ingest lag. */
  lagBytes(): number {
    let bytes = 0;
    for (const file of this.held) {
      try {
        bytes += fs.fstatSync(file.fd).size - file.offset;
      } catch {
        // Closed meanwhile.
      }
    }
    return bytes;
  }

  /** Lines let go unread since the last call (one count per file). */
  takeGaps(): number[] {
    const gaps = this.gaps;
    this.gaps = [];
    return gaps;
  }

  /**
   * Calls `onChange` when the writer has written to the log file (or rotated it): the directory is
   * watched (inotify, FSEvents), so a new line is read as soon as it is on disk rather than at the
   * next poll. Best effort: where the file system tells nothing (some network mounts), or the
   * watch fails, the caller's polling still finds every line.
   */
  watchWrites(onChange: () => void): void {
    if (this.watcher !== undefined) return;
    const name = path.basename(this.file);
    try {
      this.watcher = fs.watch(path.dirname(this.file), { persistent: false }, (_type, changed) => {
        // A rotation renames into `name.1`...: any name starting with the file's counts.
        if (changed === null || changed.startsWith(name)) onChange();
      });
      this.watcher.on('error', () => this.unwatch());
    } catch {
      this.watcher = undefined;
    }
  }

  private unwatch(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  close(): void {
    this.unwatch();
    for (const file of this.held) fs.closeSync(file.fd);
    this.held = [];
  }

  /**
   * Opens the files not held yet that still have lines to read, when the current one is new. Also
   * called between attempts while the database is down, so that no rotation goes unseen.
   */
  discover(afterId: string | undefined): void {
    if (!this.rediscover && !this.rotated()) return;
    this.rediscover = false;
    const found: Held[] = [];
    for (const path of logFilesNewestFirst(this.file, this.maxFiles)) {
      const opened = openHead(path);
      if (opened === undefined) continue;
      if (
        this.held.some((file) => file.key === opened.key) ||
        found.some((f) => f.key === opened.key)
      ) {
        fs.closeSync(opened.fd);
        continue;
      }
      found.push(opened);
    }
    const all = [...this.held, ...found].sort((a, b) => compare(a.firstId, b.firstId));
    const keep = all.filter((file, i) => {
      if (this.held.includes(file) || afterId === undefined) return true;
      // Read entirely already: the next file also starts at or before the checkpoint.
      const next = all[i + 1];
      const done = next !== undefined && next.firstId <= afterId;
      if (done) fs.closeSync(file.fd);
      return !done;
    });
    this.held = keep;
    while (this.held.length > this.maxHeld) {
      const oldest = this.held[0];
      this.gaps.push(countLines(oldest.fd, oldest.offset));
      this.release(oldest);
    }
  }

  private release(file: Held): void {
    this.held = this.held.filter((f) => f !== file);
    fs.close(file.fd, () => undefined);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The file open, with its identity and first event id; undefined when absent or without a line yet. */
function openHead(path: string): Held | undefined {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch {
    return undefined;
  }
  const stat = fs.fstatSync(fd);
  const head = Buffer.alloc(Math.min(stat.size, 64 * 1024));
  const n = head.length === 0 ? 0 : fs.readSync(fd, head, 0, head.length, 0);
  const nl = head.subarray(0, n).indexOf(NEWLINE);
  const firstId = nl === -1 ? undefined : ID_FIELD.exec(head.toString('utf8', 0, nl))?.[1];
  if (firstId === undefined) {
    fs.closeSync(fd);
    return undefined;
  }
  return { fd, key: `${stat.dev}:${stat.ino}`, firstId, offset: 0 };
}

/** Appends the complete lines of `[from, size)` to `into`, at most `max`; returns the new offset. */
async function readLines(
  fd: number,
  from: number,
  size: number,
  max: number,
  into: string[],
): Promise<number> {
  let offset = from;
  let wanted = CHUNK;
  while (offset < size && max > 0) {
    const length = Math.min(wanted, size - offset);
    const buf = Buffer.allocUnsafe(length);
    const n = await readAt(fd, buf, offset);
    let start = 0;
    let nl = buf.indexOf(NEWLINE, 0);
    if (nl === -1 || nl >= n) {
      // A line longer than the chunk: read more of it at once, unless the file ends here.
      if (offset + n >= size) break;
      wanted *= 2;
      continue;
    }
    while (nl !== -1 && nl < n && max > 0) {
      if (nl > start) {
        into.push(buf.toString('utf8', start, nl));
        max--;
      }
      start = nl + 1;
      nl = buf.indexOf(NEWLINE, start);
    }
    offset += start;
    wanted = CHUNK;
  }
  return offset;
}

function readAt(fd: number, buf: Buffer, position: number): Promise<number> {
  return new Promise((resolve, reject) =>
    fs.read(fd, buf, 0, buf.length, position, (error, n) => (error ? reject(error) : resolve(n))),
  );
}

/** Complete lines from `from` to the end of the file: what a gap loses. */
function countLines(fd: number, from: number): number {
  const size = fs.fstatSync(fd).size;
  const buf = Buffer.allocUnsafe(CHUNK);
  let count = 0;
  for (let pos = from; pos < size;) {
    const n = fs.readSync(fd, buf, 0, Math.min(CHUNK, size - pos), pos);
    if (n === 0) break;
    for (let i = buf.indexOf(NEWLINE, 0); i !== -1 && i < n; i = buf.indexOf(NEWLINE, i + 1))
      count++;
    pos += n;
  }
  return count;
}
