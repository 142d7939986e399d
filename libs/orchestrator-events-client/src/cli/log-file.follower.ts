import { FileHandle, open, stat } from 'node:fs/promises';
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
  /** Told about waiting, rotations and truncations (the CLI prints them on stderr). */
  onNotice?: (message: string) => void;
}

/** An open file, pinned by its handle: a rename cannot take it away mid-read. */
interface Pinned {
  handle: FileHandle;
  ino: number;
  position: number;
  splitter: LineSplitter;
}

const CHUNK_BYTES = 64 * 1024;
/** Backups are `<file>.1` … `<file>.N`; the library allows up to 1000. */
const MAX_BACKUPS = 1000;

/**
 * The lines of a log file, oldest first. With `follow`, it goes on reading by path: when the path
 * points to a new inode (the writer hard-links the current file to `<file>.1` and renames a fresh
 * file over `<file>`), it reads the rest of the old file first, then any backups rotated in between
 * that it never saw, then the new file. Every line comes out once.
 * @throws when the file is missing and `follow` is off.
 */
export async function* readLogLines(
  file: string,
  options: FollowOptions = {},
): AsyncGenerator<string, void, undefined> {
  const { follow = false, signal, pollMs = 200, onNotice } = options;
  let current = await openOrWait(file, follow, pollMs, signal, onNotice);
  if (current === undefined) return;
  try {
    for (;;) {
      yield* drain(current);
      if (!follow || signal?.aborted) {
        const last = current.splitter.flush();
        if (last !== undefined) yield last;
        return;
      }
      const now = await stat(file).catch(() => undefined);
      if (now !== undefined && now.ino !== current.ino) {
        // Rotated: the old inode gets no more writes. Finish it, then catch up in order.
        yield* drain(current);
        const tail = current.splitter.flush();
        if (tail !== undefined) yield tail;
        const next = await pin(file).catch(() => undefined);
        if (next === undefined) continue; // renamed away again this instant: look once more
        const missed = await pinMissedBackups(file, current.ino, next.ino, onNotice);
        await current.handle.close();
        current = next;
        for (const backup of missed) {
          try {
            yield* drain(backup);
            const rest = backup.splitter.flush();
            if (rest !== undefined) yield rest;
          } finally {
            await backup.handle.close();
          }
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
    await current.handle.close().catch(() => undefined);
  }
}

async function pin(path: string): Promise<Pinned> {
  const handle = await open(path, 'r');
  try {
    const { ino } = await handle.stat();
    return { handle, ino, position: 0, splitter: new LineSplitter() };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function openOrWait(
  file: string,
  follow: boolean,
  pollMs: number,
  signal: AbortSignal | undefined,
  onNotice: FollowOptions['onNotice'],
): Promise<Pinned | undefined> {
  let told = false;
  for (;;) {
    try {
      return await pin(file);
    } catch (error) {
      if (!follow || (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (!told) onNotice?.(`${file} does not exist yet; waiting for it`);
      told = true;
      await sleep(pollMs, signal);
      if (signal?.aborted) return undefined;
    }
  }
}

/** Every complete line from the handle's position to the current end of the file. */
async function* drain(file: Pinned): AsyncGenerator<string, void, undefined> {
  const buffer = Buffer.alloc(CHUNK_BYTES);
  for (;;) {
    const { bytesRead } = await file.handle.read(buffer, 0, CHUNK_BYTES, file.position);
    if (bytesRead === 0) return;
    file.position += bytesRead;
    for (const line of file.splitter.push(buffer.subarray(0, bytesRead))) yield line;
  }
}

/**
 * Backups newer than the inode we were reading: rotations that happened between two polls. They sit
 * at `<file>.1` … `<file>.k-1` when our old file is now `<file>.k`; returned oldest first, opened at
 * once so a further rotation cannot move them away before they are read.
 */
async function pinMissedBackups(
  file: string,
  oldIno: number,
  newIno: number,
  onNotice: FollowOptions['onNotice'],
): Promise<Pinned[]> {
  const missed: Pinned[] = [];
  let found = false;
  for (let k = 1; k <= MAX_BACKUPS; k++) {
    const backup = await pin(`${file}.${k}`).catch(() => undefined);
    if (backup === undefined) break;
    if (backup.ino === oldIno) {
      await backup.handle.close();
      found = true;
      break;
    }
    if (backup.ino === newIno) await backup.handle.close();
    else missed.push(backup);
  }
  if (!found) {
    // The old file is not among the backups (deleted, or moved elsewhere by another rotation
    // scheme): the backups seen may be older than it, so reading them could repeat lines.
    await Promise.all(missed.map((backup) => backup.handle.close()));
    if (missed.length > 0)
      onNotice?.(`${file}: lost track of the rotated file; lines may be missed`);
    return [];
  }
  return missed.reverse();
}
