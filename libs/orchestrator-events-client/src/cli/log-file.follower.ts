import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseEventId } from '@orchestrator/events-contract';
import { sleep } from '../lib/backoff';
import { LineSplitter } from './line-splitter';

/** Options of `readLogLines`. */
export interface FollowOptions {
  /** Keep reading as the file grows and across rotations (like `tail -F`). Default false. */
  follow?: boolean;
  /** Ends the iteration when it fires. */
  signal?: AbortSignal;
  /** How often to look for new bytes and rotations, in ms. Default 200. */
  pollMs?: number;
  /** Told about waiting, rotations, truncations and lost lines (the CLI prints them on stderr). */
  onNotice?: (message: string) => void;
}

/**
 * A file pinned by an open descriptor: a rename, or retention deleting its last name, cannot take
 * it away mid-read, and its inode number cannot be reused while it is held.
 */
interface Pinned {
  fd: number;
  ino: number;
  position: number;
  splitter: LineSplitter;
}

/** What a rotation left between the file being read and the one now at the path. */
interface Rotation {
  /** The file now at the path: read from its start, then followed. */
  next: Pinned;
  /** Backups newer than the old file and older than `next`, oldest first: each is read whole. */
  backups: Pinned[];
  /**
   * The old file has no name left: retention deleted it, so backups rotated after it may have been
   * deleted too before they could be pinned.
   */
  oldDeleted: boolean;
  /** The old file was moved out of the numbered backups (another rotation scheme). */
  oldMovedAway: boolean;
}

const CHUNK_BYTES = 64 * 1024;
/** Backups are `<file>.1` … `<file>.N`; the library allows up to 1000. */
const MAX_BACKUPS = 1000;
/**
 * Wait before scanning again when the path was missing for a moment, or a rotation completed
 * during the scan (which leaves the order of what it found unknown).
 */
const RESCAN_MS = 1;
/** Enough of a line's start to hold its `event_id` (it follows the timestamp, level and name). */
const PEEK_BYTES = 4096;
const EVENT_ID_FIELD = /"event_id":"([^"\\]*)"/;

/**
 * The lines of a log file, oldest first. With `follow`, it goes on reading by path and by inode, the
 * way the library rotates (the current file is hard-linked to `<file>.1`, backups shift up, a fresh
 * file is renamed over `<file>`): when the path names another inode, it reads the old inode to its
 * end through its open descriptor, then every backup rotated after it, oldest first, then the new
 * file from its start. Every line comes out once, in file order. Lines that retention deleted
 * before they could be read are reported through `onNotice`, with their count when the event ids
 * around the gap tell it.
 * @throws when the file is missing and `follow` is off.
 */
// One generator follows one inode across rotations; its state (position, inode, last id) spans
// the whole loop.
// eslint-disable-next-line max-lines-per-function -- see above
export async function* readLogLines(
  file: string,
  options: FollowOptions = {},
): AsyncGenerator<string, void, undefined> {
  const { follow = false, signal, pollMs = 200, onNotice } = options;
  let current = await openOrWait(file, follow, pollMs, signal, onNotice);
  if (current === undefined) return;
  const buffer = Buffer.alloc(CHUNK_BYTES);
  const gaps = new GapReporter(file, onNotice);
  // Pinned backups not read yet: closed by the `finally` when the consumer stops early.
  let backups: Pinned[] = [];
  try {
    for (;;) {
      for await (const line of drain(current, buffer)) yield gaps.pass(line);
      if (!follow || signal?.aborted) {
        const last = current.splitter.flush();
        if (last !== undefined) yield gaps.pass(last);
        gaps.end();
        return;
      }
      const now = fs.statSync(file, { throwIfNoEntry: false });
      if (now !== undefined && now.ino !== current.ino) {
        // Rotated: the writer moved on to another inode, so ours gets no more bytes. Finish it
        // through its descriptor (wherever its name went, or if it has none left).
        for await (const line of drain(current, buffer)) yield gaps.pass(line);
        const tail = current.splitter.flush();
        if (tail !== undefined) yield gaps.pass(tail);
        const rotation = scanRotation(file, current);
        if (rotation === undefined) {
          // The path is between two names, or rotated again while we listed the backups: look
          // again shortly. The old file stays pinned and read to its end, so nothing repeats.
          await sleep(Math.min(pollMs, RESCAN_MS), signal);
          continue;
        }
        fs.closeSync(current.fd);
        current = rotation.next;
        backups = rotation.backups;
        if (rotation.oldDeleted) {
          // With no name left for the old file, every backup is a candidate; one that starts at
          // or before the last line read is older (the path was replaced rather than rotated).
          const lastId = gaps.lastId();
          if (lastId !== undefined) backups = dropOlder(backups, lastId);
          gaps.mayHaveLost();
        }
        if (rotation.oldMovedAway) {
          onNotice?.(`${file}: the rotated file left the numbered backups; lines may be missed`);
        }
        while (backups.length > 0) {
          const backup = backups[0];
          for await (const line of drain(backup, buffer)) yield gaps.pass(line);
          const rest = backup.splitter.flush();
          if (rest !== undefined) yield gaps.pass(rest);
          backups.shift();
          fs.closeSync(backup.fd);
        }
        onNotice?.(`${file} was rotated; following the new file`);
        continue;
      }
      if (now !== undefined && now.size < current.position) {
        onNotice?.(`${file} was truncated; reading it from the start`);
        current.position = 0;
        current.splitter = new LineSplitter();
        continue;
      }
      await sleep(pollMs, signal);
    }
  } finally {
    for (const pinned of [current, ...backups]) closeQuietly(pinned.fd);
  }
}

/** The file pinned, or `undefined` when it does not exist (for a moment, during a rotation). */
function tryPin(file: string): Pinned | undefined {
  try {
    return pin(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function pin(file: string): Pinned {
  const fd = fs.openSync(file, 'r');
  try {
    return { fd, ino: fs.fstatSync(fd).ino, position: 0, splitter: new LineSplitter() };
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // already closed
  }
}

async function openOrWait(
  file: string,
  follow: boolean,
  pollMs: number,
  signal: AbortSignal | undefined,
  onNotice: FollowOptions['onNotice'],
): Promise<Pinned | undefined> {
  if (!follow) return pin(file);
  let told = false;
  for (;;) {
    const pinned = tryPin(file);
    if (pinned !== undefined) return pinned;
    if (!told) onNotice?.(`${file} does not exist yet; waiting for it`);
    told = true;
    await sleep(pollMs, signal);
    if (signal?.aborted) return undefined;
  }
}

/** Every complete line from the file's position to its current end. */
async function* drain(file: Pinned, buffer: Buffer): AsyncGenerator<string, void, undefined> {
  for (;;) {
    const bytesRead = await readAt(file.fd, buffer, file.position);
    if (bytesRead === 0) return;
    file.position += bytesRead;
    for (const line of file.splitter.push(buffer.subarray(0, bytesRead))) yield line;
  }
}

function readAt(fd: number, buffer: Buffer, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, buffer, 0, buffer.length, position, (error, bytesRead) =>
      error ? reject(error) : resolve(bytesRead),
    );
  });
}

/**
 * Pins the file now at the path and every backup newer than `old`, by one upward scan of
 * `<file>`, `<file>.1`, `<file>.2`, … that stops at `old`'s inode.
 *
 * Why one scan finds them all, in order, although the writer may be shifting backups meanwhile:
 * a rename is atomic, a file only ever moves to the next number, and newer files always hold lower
 * numbers than older ones. A scan going up one number per step therefore meets every file that
 * sits between the path and `old` before it meets `old`, newest first, as long as no new file
 * appears at the path during the scan; so the scan is kept only if the path still names the file
 * it pinned first. It is synchronous to keep that window to microseconds.
 * @returns `undefined` to scan again later: the path is missing for a moment, or a rotation
 *   completed during the scan.
 */
function scanRotation(file: string, old: Pinned): Rotation | undefined {
  const next = tryPin(file);
  if (next === undefined || next.ino === old.ino) {
    if (next !== undefined) fs.closeSync(next.fd);
    return undefined;
  }
  const newestFirst: Pinned[] = [];
  const seen = new Set([next.ino, old.ino]);
  let foundOld = false;
  try {
    // Numbers can be missing for a moment while the writer shifts: listing the directory (only
    // then) says how far up backups go; a shift in progress moves them up by one at most.
    let top = MAX_BACKUPS;
    let listed = false;
    for (let n = 1; n <= top && !foundOld; n++) {
      const backup = tryPin(`${file}.${n}`);
      if (backup === undefined) {
        if (!listed) top = Math.min(highestBackup(file) + 1, MAX_BACKUPS + 1);
        listed = true;
        continue;
      }
      if (backup.ino === old.ino) foundOld = true;
      if (seen.has(backup.ino)) {
        fs.closeSync(backup.fd);
        continue;
      }
      seen.add(backup.ino);
      newestFirst.push(backup);
    }
    const stillNext = fs.statSync(file, { throwIfNoEntry: false })?.ino === next.ino;
    if (!stillNext) {
      closeAll([next, ...newestFirst]);
      return undefined;
    }
    if (foundOld) {
      return { next, backups: newestFirst.reverse(), oldDeleted: false, oldMovedAway: false };
    }
    if (fs.fstatSync(old.fd).nlink === 0) {
      return { next, backups: newestFirst.reverse(), oldDeleted: true, oldMovedAway: false };
    }
    // The old file still has a name, just not a numbered one: another rotation scheme moved it
    // away. Which backups are newer than it is unknown, so only the new file is followed.
    closeAll(newestFirst);
    return { next, backups: [], oldDeleted: false, oldMovedAway: true };
  } catch (error) {
    closeAll([next, ...newestFirst]);
    throw error;
  }
}

function closeAll(files: Pinned[]): void {
  for (const pinned of files) closeQuietly(pinned.fd);
}

/** The highest `n` with a `<file>.<n>` in the directory now (0 when there is none). */
function highestBackup(file: string): number {
  const prefix = `${path.basename(file)}.`;
  let highest = 0;
  let names: string[];
  try {
    names = fs.readdirSync(path.dirname(file));
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const suffix = name.slice(prefix.length);
    if (/^\d+$/.test(suffix)) highest = Math.max(highest, Number(suffix));
  }
  return highest;
}

/**
 * The backups whose first event comes after `lastId`; the others are closed. Only ids of one
 * writer compare: a backup without a comparable first id is kept (retention, the usual case, only
 * leaves newer ones).
 */
function dropOlder(backups: Pinned[], lastId: string): Pinned[] {
  const last = parseEventId(lastId);
  if (last === undefined) return backups;
  return backups.filter((backup) => {
    const first = firstEventId(backup.fd);
    if (first === undefined || first > lastId || parseEventId(first)?.orchId !== last.orchId) {
      return true;
    }
    fs.closeSync(backup.fd);
    return false;
  });
}

/** The `event_id` of the file's first line, read without moving its position. */
function firstEventId(fd: number): string | undefined {
  const head = Buffer.alloc(PEEK_BYTES);
  let bytes: number;
  try {
    bytes = fs.readSync(fd, head, 0, PEEK_BYTES, 0);
  } catch {
    return undefined; // the read of the whole file will report it
  }
  const end = head.subarray(0, bytes).indexOf(0x0a);
  return eventIdOf(head.toString('utf8', 0, end === -1 ? bytes : end));
}

/** The line's top-level `event_id` (the logger writes it before any payload field). */
function eventIdOf(line: string): string | undefined {
  return EVENT_ID_FIELD.exec(line)?.[1];
}

/**
 * Tells about lines that retention deleted before they could be read: once a rotation showed that
 * some may be gone, the next line read is compared with the last one before the gap. Ids of one
 * writer within one millisecond are consecutive ranks, so the gap's size is then exact; a later
 * millisecond opened at rank `seq` means at least `seq` lines; otherwise the count is unknown.
 */
class GapReporter {
  private last: string | undefined;
  private pending = false;

  constructor(
    private readonly file: string,
    private readonly onNotice: FollowOptions['onNotice'],
  ) {}

  /** Records `line` as read (reporting a gap before it, if any) and returns it. */
  pass(line: string): string {
    if (this.pending) {
      this.pending = false;
      this.report(this.last, line);
    }
    this.last = line;
    return line;
  }

  /** Lines may be missing between the last line read and the next one. */
  mayHaveLost(): void {
    this.pending = true;
  }

  /** The event id of the last line read, if it has one. */
  lastId(): string | undefined {
    return this.last === undefined ? undefined : eventIdOf(this.last);
  }

  /** No line comes after a possible gap: its size cannot be known. */
  end(): void {
    if (this.pending) this.report(this.last, undefined);
    this.pending = false;
  }

  private report(before: string | undefined, after: string | undefined): void {
    const beforeId = before === undefined ? undefined : eventIdOf(before);
    const afterId = after === undefined ? undefined : eventIdOf(after);
    const why = 'retention deleted rotated files before they were read';
    const where = beforeId && afterId ? ` (after event ${beforeId}, before ${afterId})` : '';
    const lost = beforeId && afterId ? linesBetween(beforeId, afterId) : undefined;
    if (lost === undefined) {
      this.onNotice?.(
        `${this.file}: an unknown number of lines may have been lost: ${why}${where}`,
      );
    } else if (lost.exact && lost.lines > 0) {
      this.onNotice?.(`${this.file}: ${plural(lost.lines)} lost: ${why}${where}`);
    } else if (!lost.exact) {
      this.onNotice?.(`${this.file}: at least ${plural(lost.lines)} lost: ${why}${where}`);
    }
  }
}

/**
 * How many events one writer logged between two of its ids, from the ids alone: exact within one
 * millisecond (ranks are consecutive); at least the later id's rank when it opens a later
 * millisecond at rank > 0; `undefined` when the ids cannot tell (other writers, rank 0, not ids).
 */
function linesBetween(
  beforeId: string,
  afterId: string,
): { lines: number; exact: boolean } | undefined {
  const a = parseEventId(beforeId);
  const b = parseEventId(afterId);
  if (a === undefined || b === undefined || a.orchId !== b.orchId || afterId <= beforeId) {
    return undefined;
  }
  if (a.ms === b.ms) return { lines: b.seq - a.seq - 1, exact: true };
  return b.seq > 0 ? { lines: b.seq, exact: false } : undefined;
}

function plural(lines: number): string {
  return lines === 1 ? '1 line' : `${lines} lines`;
}
