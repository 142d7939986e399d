import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { SCAN_CHUNK, withScanBuffer } from './scan-buffers';

const read = promisify(fs.read);
const NEWLINE = 10;
const QUOTE = 34;
const TASK_NEEDLE = Buffer.from('"task_id":"');
const RUN_NEEDLE = Buffer.from('"run_id":"');
/** Lines whose id has escapes are kept under this key and always read: rare, and always right. */
const ESCAPED = '\u0000escaped';

/** Where the lines of one id are in one file: parallel arrays of start and end offsets. */
export interface LineSpans {
  starts: number[];
  ends: number[];
}

/**
 * Where each task_id and run_id occurs in one log file, built by scanning raw bytes (no JSON
 * parsing) and extended as the file grows. Files are append-only and rotation renames them (the
 * inode stays), so an index keyed by inode stays valid; it only ever needs the new bytes.
 */
export class LineIndex {
  private readonly tasks = new Map<string, LineSpans>();
  private readonly runs = new Map<string, LineSpans>();
  /** Bytes indexed so far (always at a line boundary). */
  indexedTo = 0;
  private building: Promise<void> | undefined;

  /** Indexes the file up to `size` (a no-op when already there); concurrent calls share the work. */
  async extend(fd: number, size: number): Promise<void> {
    while (this.indexedTo < size) {
      if (!this.building) {
        this.building = this.scan(fd, size).finally(() => (this.building = undefined));
      }
      await this.building;
    }
  }

  /**
   * Candidate lines for a filter on task and/or run, in file order; `undefined` when the filter
   * names neither (the file must be scanned).
   */
  candidates(taskId: string | undefined, runId: string | undefined): LineSpans | undefined {
    const byTask = taskId === undefined ? undefined : lookup(this.tasks, taskId);
    const byRun = runId === undefined ? undefined : lookup(this.runs, runId);
    if (byTask && byRun) return byTask.starts.length <= byRun.starts.length ? byTask : byRun;
    return byTask ?? byRun;
  }

  private async scan(fd: number, size: number): Promise<void> {
    let pos = this.indexedTo;
    // The start of a line that goes on in the next chunk (a copy: the buffer is pooled).
    let carry: Buffer | undefined;
    while (pos < size) {
      const length = Math.min(SCAN_CHUNK, size - pos);
      const kept = carry?.length ?? 0;
      const base = pos - kept;
      const bytesRead = await withScanBuffer(kept + length, async (buf) => {
        carry?.copy(buf, 0);
        const { bytesRead: n } = await read(fd, buf, kept, length, pos);
        const data = buf.subarray(0, kept + n);
        const lastNl = data.lastIndexOf(NEWLINE);
        if (lastNl === -1) {
          carry = Buffer.from(data);
          return n;
        }
        this.indexRange(data, base, lastNl + 1, TASK_NEEDLE, this.tasks);
        this.indexRange(data, base, lastNl + 1, RUN_NEEDLE, this.runs);
        this.indexedTo = base + lastNl + 1;
        carry = Buffer.from(data.subarray(lastNl + 1));
        return n;
      });
      if (bytesRead === 0) break;
      pos += bytesRead;
    }
  }

  /** Adds the first occurrence of `needle` in each line of `data[0, end)` (top-level ids come first). */
  private indexRange(
    data: Buffer,
    base: number,
    end: number,
    needle: Buffer,
    into: Map<string, LineSpans>,
  ): void {
    let lastLineStart = -1;
    let at = data.indexOf(needle, 0);
    while (at !== -1 && at < end) {
      const lineStart = data.lastIndexOf(NEWLINE, at) + 1;
      let lineEnd = data.indexOf(NEWLINE, at);
      if (lineEnd === -1 || lineEnd > end) lineEnd = end;
      if (lineStart !== lastLineStart) {
        lastLineStart = lineStart;
        const keyStart = at + needle.length;
        const keyEnd = closingQuote(data, keyStart, lineEnd);
        if (keyEnd !== -1) {
          const raw = data.toString('utf8', keyStart, keyEnd);
          add(into, raw.includes('\\') ? ESCAPED : raw, base + lineStart, base + lineEnd);
        }
      }
      at = data.indexOf(needle, lineEnd);
    }
  }
}

function closingQuote(data: Buffer, from: number, limit: number): number {
  const q = data.indexOf(QUOTE, from);
  return q === -1 || q >= limit ? -1 : q;
}

function add(into: Map<string, LineSpans>, key: string, start: number, end: number): void {
  let spans = into.get(key);
  if (!spans) {
    spans = { starts: [], ends: [] };
    into.set(key, spans);
  }
  spans.starts.push(start);
  spans.ends.push(end);
}

/** The spans of an id (as the logger escapes it in JSON), merged with the lines whose ids have escapes. */
function lookup(index: Map<string, LineSpans>, id: string): LineSpans {
  const raw = JSON.stringify(id).slice(1, -1);
  const exact = index.get(raw);
  const escaped = index.get(ESCAPED);
  if (!escaped) return exact ?? { starts: [], ends: [] };
  if (!exact) return escaped;
  // Both in file order: merge them.
  const merged: LineSpans = { starts: [], ends: [] };
  let i = 0;
  let j = 0;
  while (i < exact.starts.length || j < escaped.starts.length) {
    const takeExact =
      j >= escaped.starts.length ||
      (i < exact.starts.length && exact.starts[i] < escaped.starts[j]);
    const from = takeExact ? exact : escaped;
    const k = takeExact ? i++ : j++;
    merged.starts.push(from.starts[k]);
    merged.ends.push(from.ends[k]);
  }
  return merged;
}

/** Bytes from the start of a file that identify it: its first line's timestamp and more. */
const HEAD = 64;

/**
 * Indexes by file identity: device and inode (a rename in rotation keeps them), checked against the
 * file's first bytes, since a deleted backup's inode can be reused by a new file.
 */
export class LineIndexCache {
  private readonly indexes = new Map<string, { head: Buffer; index: LineIndex }>();

  /** The index of an open file, extended to `size`. */
  async forFile(fd: number, key: string, size: number): Promise<LineIndex> {
    const head = Buffer.alloc(Math.min(HEAD, size));
    if (head.length > 0) await read(fd, head, 0, head.length, 0);
    let entry = this.indexes.get(key);
    const known = entry?.head;
    const same =
      entry !== undefined &&
      known !== undefined &&
      size >= entry.index.indexedTo &&
      head.subarray(0, Math.min(known.length, head.length)).equals(known.subarray(0, head.length));
    if (!entry || !same) {
      entry = { head, index: new LineIndex() };
      this.indexes.set(key, entry);
    } else if (head.length > entry.head.length) {
      entry.head = head;
    }
    await entry.index.extend(fd, size);
    return entry.index;
  }

  /** Drops indexes of files that are gone (rotated out of retention). */
  retain(live: ReadonlySet<string>): void {
    for (const key of this.indexes.keys()) if (!live.has(key)) this.indexes.delete(key);
  }
}
