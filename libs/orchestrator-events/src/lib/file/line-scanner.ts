import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { SCAN_CHUNK, withScanBuffer } from './scan-buffers';

const read = promisify(fs.read);

const NEWLINE = 10;

/**
 * Called with the bytes of one line (without newline). Return `false` to stop the scan.
 * The buffer is reused after the call returns: copy what you keep.
 */
export type LineVisitor = (buf: Buffer, start: number, end: number) => boolean;

/**
 * Visits the lines of `[0, size)` of a file from the last to the first. With a `needle`, only lines
 * containing it are visited: the search runs on raw bytes (`Buffer.indexOf`), so lines that cannot
 * match are never decoded or parsed.
 */
export async function scanBackward(
  fd: number,
  size: number,
  visit: LineVisitor,
  needle?: Buffer,
): Promise<void> {
  let end = size;
  // The start of a line whose end was in the chunk after this one (a copy: the buffer is pooled).
  let carry: Buffer | undefined;
  while (end > 0) {
    const start = Math.max(0, end - SCAN_CHUNK);
    const more = await withScanBuffer(end - start + (carry?.length ?? 0), async (data) => {
      await readFully(fd, data.subarray(0, end - start), start);
      carry?.copy(data, end - start);
      // Bytes before the first newline may belong to a line that starts in the previous chunk.
      const firstNl = start === 0 ? -1 : data.indexOf(NEWLINE);
      if (start > 0 && firstNl === -1) {
        carry = Buffer.from(data);
        return true;
      }
      if (!visitRange(data, firstNl + 1, data.length, visit, needle, true)) return false;
      carry = start === 0 ? undefined : Buffer.from(data.subarray(0, firstNl));
      return true;
    });
    if (!more) return;
    end = start;
  }
}

/** Visits the lines of `[from, size)` of a file from first to last, like `scanBackward`. */
export async function scanForward(
  fd: number,
  from: number,
  size: number,
  visit: LineVisitor,
  needle?: Buffer,
): Promise<void> {
  let pos = from;
  let carry: Buffer | undefined;
  while (pos < size) {
    const length = Math.min(SCAN_CHUNK, size - pos);
    const last = pos + length >= size;
    const more = await withScanBuffer((carry?.length ?? 0) + length, async (data) => {
      carry?.copy(data, 0);
      await readFully(fd, data.subarray(carry?.length ?? 0), pos);
      const lastNl = last ? data.length : data.lastIndexOf(NEWLINE);
      if (lastNl === -1) {
        carry = Buffer.from(data);
        return true;
      }
      if (!visitRange(data, 0, lastNl, visit, needle, false)) return false;
      carry = last ? undefined : Buffer.from(data.subarray(lastNl + 1));
      return true;
    });
    if (!more) return;
    pos += length;
  }
}

/** Visits the complete lines in `data[from, to)`, newest first when `backward`. */
function visitRange(
  data: Buffer,
  from: number,
  to: number,
  visit: LineVisitor,
  needle: Buffer | undefined,
  backward: boolean,
): boolean {
  if (needle === undefined) {
    if (backward) {
      let lineEnd = to;
      while (lineEnd > from) {
        const nl = data.lastIndexOf(NEWLINE, lineEnd - 1);
        const lineStart = nl < from ? from : nl + 1;
        if (lineStart < lineEnd && !visit(data, lineStart, lineEnd)) return false;
        lineEnd = lineStart - 1;
      }
      return true;
    }
    let lineStart = from;
    while (lineStart < to) {
      let nl = data.indexOf(NEWLINE, lineStart);
      if (nl === -1 || nl > to) nl = to;
      if (nl > lineStart && !visit(data, lineStart, nl)) return false;
      lineStart = nl + 1;
    }
    return true;
  }
  // Find candidate lines by the needle first; visit them in the wanted order.
  const starts: number[] = [];
  const ends: number[] = [];
  let at = data.indexOf(needle, from);
  while (at !== -1 && at < to) {
    const nl = data.lastIndexOf(NEWLINE, at);
    const lineStart = nl < from ? from : nl + 1;
    let lineEnd = data.indexOf(NEWLINE, at);
    if (lineEnd === -1 || lineEnd > to) lineEnd = to;
    starts.push(lineStart);
    ends.push(lineEnd);
    at = data.indexOf(needle, lineEnd + 1);
  }
  if (backward) {
    for (let i = starts.length - 1; i >= 0; i--) if (!visit(data, starts[i], ends[i])) return false;
  } else {
    for (let i = 0; i < starts.length; i++) if (!visit(data, starts[i], ends[i])) return false;
  }
  return true;
}

async function readFully(fd: number, buf: Buffer, position: number): Promise<void> {
  let offset = 0;
  while (offset < buf.length) {
    const { bytesRead } = await read(fd, buf, offset, buf.length - offset, position + offset);
    if (bytesRead === 0) {
      buf.fill(NEWLINE, offset);
      return;
    }
    offset += bytesRead;
  }
}

/** Largest read that serves several candidate lines at once. */
const SPAN_WINDOW = 64 * 1024;

/**
 * Visits the given lines (`starts[i]` to `ends[i]`, in file order) of a file, last first when
 * `backward`. Nearby lines are read together, so a dense list costs few reads and a sparse one
 * reads only what it needs.
 */
export function visitSpans(
  fd: number,
  starts: readonly number[],
  ends: readonly number[],
  backward: boolean,
  visit: LineVisitor,
): void {
  const n = starts.length;
  let i = backward ? n - 1 : 0;
  while (backward ? i >= 0 : i < n) {
    // Grow a window of consecutive candidates that fits SPAN_WINDOW.
    let j = i;
    if (backward) {
      while (j - 1 >= 0 && ends[i] - starts[j - 1] <= SPAN_WINDOW) j--;
    } else {
      while (j + 1 < n && ends[j + 1] - starts[i] <= SPAN_WINDOW) j++;
    }
    const from = backward ? starts[j] : starts[i];
    const to = backward ? ends[i] : ends[j];
    const buf = Buffer.allocUnsafe(to - from);
    // Candidate windows are small and in the page cache: a synchronous read costs microseconds,
    // far less than a round trip through the thread pool.
    readFullySync(fd, buf, from);
    if (backward) {
      for (let k = i; k >= j; k--) if (!visit(buf, starts[k] - from, ends[k] - from)) return;
      i = j - 1;
    } else {
      for (let k = i; k <= j; k++) if (!visit(buf, starts[k] - from, ends[k] - from)) return;
      i = j + 1;
    }
  }
}

function readFullySync(fd: number, buf: Buffer, position: number): void {
  let offset = 0;
  while (offset < buf.length) {
    const bytesRead = fs.readSync(fd, buf, offset, buf.length - offset, position + offset);
    if (bytesRead === 0) {
      buf.fill(NEWLINE, offset);
      return;
    }
    offset += bytesRead;
  }
}
