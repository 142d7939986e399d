import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { parseEventLine } from '@orchestrator/events-contract';

const read = promisify(fs.read);
const NEWLINE = 10;

/** Below this many bytes left, the forward scan reads the rest: cheaper than more probes. */
const SCAN_BELOW = 64 * 1024;
/** First read of a probe: several ordinary lines. Doubled for a line that does not fit. */
const PROBE = 16 * 1024;

/** A line whose event id a probe read. */
interface Probe {
  id: string;
  start: number;
  /** Where the next line starts. */
  next: number;
}

/**
 * Where a forward scan for the events after `after` can start in a file: a line start at or before
 * the first line whose id is above `after`. Ids only grow within a file (one writer appends them in
 * logging order), so this bisects the bytes and parses about 2·log2(size / 64 KiB) lines, never the
 * lines before the cursor: `after=` near the end of a big file costs what it costs near its start.
 *
 * Lines that do not parse (torn, corrupt) are stepped over by a probe and decide nothing; what
 * lies before the returned offset is not read by the scan, so it neither counts them nor returns
 * them. The scan still drops any id at or below `after`, so an offset too early is only slower.
 */
export async function seekAfter(fd: number, size: number, after: string): Promise<number> {
  let lo = 0; // a line start; every line before it has an id at or below `after` (or none)
  let hi = size;
  while (hi - lo > SCAN_BELOW) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const probe = await firstIdFrom(fd, mid, hi, size);
    if (probe === undefined) hi = mid;
    else if (probe.id <= after) lo = probe.next;
    else hi = probe.start;
  }
  return lo;
}

/**
 * The id of a file's first line that parses, read a few KiB at a time (not a scan chunk of 1 MiB:
 * every `after=` page asks it of each file).
 */
export async function firstEventId(fd: number, size: number): Promise<string | undefined> {
  return (await firstIdFrom(fd, 0, size, size))?.id;
}

/** The first line with an event id that starts in `[from, to)`; `from` may be inside a line. */
async function firstIdFrom(
  fd: number,
  from: number,
  to: number,
  size: number,
): Promise<Probe | undefined> {
  // A line starts at `from` only if the byte before it ends one.
  let pos = from - 1;
  let aligned = from === 0;
  if (aligned) pos = 0;
  let want = PROBE;
  while (pos < to) {
    const buf = Buffer.allocUnsafe(Math.min(want, size - pos));
    const { bytesRead } = await read(fd, buf, 0, buf.length, pos);
    if (bytesRead === 0) return undefined;
    const data = buf.subarray(0, bytesRead);
    const atEnd = pos + bytesRead >= size;
    let i = 0;
    if (!aligned) {
      const nl = data.indexOf(NEWLINE);
      if (nl === -1) {
        pos += bytesRead;
        continue;
      }
      i = nl + 1;
      aligned = true;
    }
    while (pos + i < to) {
      let nl = data.indexOf(NEWLINE, i);
      // The file's last line may lack its newline (torn): it is a line all the same.
      if (nl === -1 && atEnd) nl = data.length;
      if (nl === -1) break;
      const event = parseEventLine(data.toString('utf8', i, nl));
      if (event !== undefined) {
        return { id: event.event_id, start: pos + i, next: Math.min(pos + nl + 1, size) };
      }
      i = nl + 1;
    }
    if (atEnd) return undefined;
    // A line longer than the read: read it again from its start, twice as much.
    if (i === 0) want *= 2;
    pos += i;
  }
  return undefined;
}
