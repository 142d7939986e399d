import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
// The library's own writer: the follower must keep up with its real rotation, not a model of it.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { RotatingFileWriter } from '../../../orchestrator-events/src/lib/file/rotating-file.writer';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { WriteOutScheduler } from '../../../orchestrator-events/src/lib/file/write-out.scheduler';
import { readLogLines } from './log-file.follower';

/**
 * Rotates like the library's writer: shift backups up (the rename over `.<keep>` deletes the
 * oldest), hard-link the current file to `.1`, rename a fresh file over it.
 */
function rotate(file: string, keep = 10): void {
  for (let k = keep - 1; k >= 1; k--) {
    if (fs.existsSync(`${file}.${k}`)) fs.renameSync(`${file}.${k}`, `${file}.${k + 1}`);
  }
  fs.rmSync(`${file}.1`, { force: true });
  fs.linkSync(file, `${file}.1`);
  fs.writeFileSync(`${file}.tmp`, '');
  fs.renameSync(`${file}.tmp`, file);
}

/** Real-format event ids, all in one millisecond so a gap between two of them has a known size. */
const BASE_MS = 1764067845123;
const eventId = (n: number): string => `${BASE_MS}-${String(n).padStart(6, '0')}-o-test`;
/** One event line as the logger writes it; the padding varies so rotations fall at varying lines. */
const eventLine = (n: number): string =>
  JSON.stringify({
    timestamp: '2026-11-25T10:00:00.000000Z',
    level: 'INFO',
    logger: 'orchestrator_events',
    event: 'step_done',
    event_id: eventId(n),
    n,
    pad: 'x'.repeat((n * 7) % 41),
  });
const idOf = (line: string): string => (JSON.parse(line) as { event_id: string }).event_id;

/** Resolves once `done()` holds, or after `ms` (the assertions then say what is missing). */
async function waitFor(done: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

/**
 * Writes `total` events through the library's writer in bursts of 1 to `burst` lines, one burst
 * per event-loop turn, so the follower's reads and scans run between (and during) rotations.
 */
async function writeInBursts(
  writer: RotatingFileWriter,
  total: number,
  burst: number,
): Promise<void> {
  try {
    for (let n = 0; n < total;) {
      const batch: string[] = [];
      const size = 1 + ((n * 13) % burst); // varying sizes: rotations land at every phase
      for (let k = 0; k < size && n < total; k++) batch.push(eventLine(n++));
      writer.write(batch);
      // Alternately a bare turn and a timer's wait: the follower gets in at varying phases.
      await new Promise<void>((resolve) =>
        n % 2 === 0 ? setImmediate(resolve) : setTimeout(resolve, 1),
      );
    }
  } finally {
    writer.close();
  }
}

/** What went wrong in a followed sequence of event lines, as counts (all 0 when it is exact). */
function damage(lines: string[], total: number) {
  const ids = lines.map(idOf);
  const firsts = [...new Set(ids)];
  let outOfOrder = 0;
  for (let i = 1; i < firsts.length; i++) if (firsts[i] < firsts[i - 1]) outOfOrder++;
  return { duplicates: ids.length - firsts.length, outOfOrder, missing: total - firsts.length };
}

/**
 * Another process writing `total` events (same format as `eventLine`) as fast as it can, rotating
 * the way the library does (shift backups up, the oldest past `keep` deleted, hard-link to `.1`,
 * rename a fresh file over): its renames race the follower's scans for real, which an in-process
 * writer cannot do.
 */
const RACING_WRITER = `
const fs = require('node:fs');
const [file, total, maxSize, keep] = [process.argv[1], ...process.argv.slice(2).map(Number)];
let fd = fs.openSync(file, 'a');
let size = 0;
let backups = 0;
for (let n = 0; n < total; n++) {
  const line = Buffer.from(JSON.stringify({
    timestamp: '2026-11-25T10:00:00.000000Z', level: 'INFO', logger: 'orchestrator_events',
    event: 'step_done', event_id: '${BASE_MS}-' + String(n).padStart(6, '0') + '-o-test', n,
  }) + '\\n');
  if (size > 0 && size + line.length > maxSize) {
    const tmp = file + '.tmp';
    const next = fs.openSync(tmp, 'w');
    for (let k = Math.min(backups, keep - 1); k >= 1; k--) {
      fs.renameSync(file + '.' + k, file + '.' + (k + 1));
    }
    fs.rmSync(file + '.1', { force: true });
    fs.linkSync(file, file + '.1');
    fs.renameSync(tmp, file);
    fs.closeSync(fd);
    fd = next;
    size = 0;
    backups = Math.min(backups + 1, keep);
  }
  fs.writeSync(fd, line);
  size += line.length;
}
`;

/** The lines the notices say were lost, added up (every gap in these tests has a known size). */
function linesLost(notices: string[]): number {
  return notices
    .map((m) => /: (\d+) lines? lost: /.exec(m))
    .reduce((sum, m) => sum + (m === null ? 0 : Number(m[1])), 0);
}

describe('readLogLines', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orch-follow-'));
    file = path.join(dir, 'orch.log');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /**
   * Follows `file`, calling `onLine` after each line so a test can rotate between reads, until
   * `last` is read (or 20 lines, so a test that goes wrong still ends).
   */
  async function followUntil(last: string, onLine: (line: string) => void) {
    const stop = new AbortController();
    const lines: string[] = [];
    const notices: string[] = [];
    const reader = readLogLines(file, {
      follow: true,
      signal: stop.signal,
      pollMs: 10,
      onNotice: (m) => notices.push(m),
    });
    for await (const line of reader) {
      lines.push(line);
      onLine(line);
      if (line === last || lines.length > 20) stop.abort();
    }
    return { lines, notices };
  }

  /** Follows `file` until `stop` fires; lines and notices accumulate in the returned arrays. */
  function follow(stop: AbortController, pollMs: number) {
    const lines: string[] = [];
    const notices: string[] = [];
    const reading = (async () => {
      const reader = readLogLines(file, {
        follow: true,
        signal: stop.signal,
        pollMs,
        onNotice: (m) => notices.push(m),
      });
      for await (const line of reader) lines.push(line);
    })();
    return { lines, notices, reading };
  }

  /** Writes `total` events fast, waits (bounded) for the last one to be read, then stops. */
  async function writeAndFollow(writer: RotatingFileWriter, total: number, burst: number) {
    const stop = new AbortController();
    const followed = follow(stop, 2);
    const { lines } = followed;
    try {
      await writeInBursts(writer, total, burst);
      const last = eventId(total - 1);
      await waitFor(() => lines.length > 0 && idOf(lines[lines.length - 1]) === last, 20_000);
      // A moment more: a follower that repeats lines would print them now.
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      stop.abort();
      await followed.reading;
    }
    return followed;
  }

  it('reads every line once without --follow, an unfinished last line included', async () => {
    fs.writeFileSync(file, 'a\nb\nc');
    const lines: string[] = [];
    for await (const line of readLogLines(file)) lines.push(line);
    expect(lines).toEqual(['a', 'b', 'c']);
  });

  it('refuses a missing file without --follow', async () => {
    await expect(readLogLines(path.join(dir, 'none.log')).next()).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('follows two rotations done between two reads, in order, each line once', async () => {
    fs.writeFileSync(file, 'a1\na2\n');
    const { lines, notices } = await followUntil('c3', (line) => {
      if (line === 'a2') {
        // Both rotations happen while the reader is paused here: it must find b* in orch.log.2's
        // neighbour .1, after finishing the old file (now .2).
        fs.appendFileSync(file, 'a3\n');
        rotate(file);
        fs.appendFileSync(file, 'b1\n');
        rotate(file);
        fs.appendFileSync(file, 'c1\nc2\n');
      }
      if (line === 'c2') fs.appendFileSync(file, 'c3\n');
    });
    expect(lines).toEqual(['a1', 'a2', 'a3', 'b1', 'c1', 'c2', 'c3']);
    expect(notices).toContain(`${file} was rotated; following the new file`);
  });

  it.each([
    [
      'lines without event ids: an unknown number',
      ['a1', 'a2', 'b1', 'c1', 'd1'],
      /an unknown number of lines may have been lost/,
    ],
    ['event lines: how many', [0, 1, 2, 3, 4].map(eventLine), /: 1 line lost: /],
  ])(
    'reads a deleted file to its end and reports lines retention deleted unread (%s)',
    async (_, [a1, a2, b1, c1, d1], lostNotice) => {
      fs.writeFileSync(file, `${a1}\n`);
      const { lines, notices } = await followUntil(d1, (line) => {
        if (line !== a1) return;
        // One backup kept, three rotations while the reader is paused: the file it is reading
        // has no name left (it must still read `a2` from it), and the next one, holding `b1`,
        // was deleted before the reader could see it.
        fs.appendFileSync(file, `${a2}\n`);
        rotate(file, 1);
        fs.appendFileSync(file, `${b1}\n`);
        rotate(file, 1);
        fs.appendFileSync(file, `${c1}\n`);
        rotate(file, 1);
        fs.appendFileSync(file, `${d1}\n`);
      });
      expect(lines).toEqual([a1, a2, c1, d1]);
      expect(notices.filter((m) => m.includes('lost'))).toEqual([
        expect.stringMatching(lostNotice),
      ]);
    },
  );

  it('reads no older backup again when the file is deleted and made anew rather than rotated', async () => {
    fs.writeFileSync(`${file}.1`, `${eventLine(0)}\n${eventLine(1)}\n`);
    fs.writeFileSync(file, `${eventLine(2)}\n`);
    const { lines, notices } = await followUntil(eventLine(3), (line) => {
      if (line !== eventLine(2)) return;
      // The old file has no name left, as after retention, but `.1` is older than it.
      fs.rmSync(file);
      fs.writeFileSync(file, `${eventLine(3)}\n`);
    });
    expect(lines).toEqual([2, 3].map(eventLine));
    expect(notices.filter((m) => m.includes('lost'))).toEqual([]);
  });

  it('prints every line exactly once, in file order, while the real writer rotates every few lines', async () => {
    const total = 3000;
    // 2 KiB files: a rotation every ~12 lines, ~250 backups, all kept (nothing may be lost here).
    const writer = new RotatingFileWriter(file, 2048, 300, { scheduler: new WriteOutScheduler() });
    const { lines, notices } = await writeAndFollow(writer, total, 40);
    expect(damage(lines, total)).toEqual({ duplicates: 0, outOfOrder: 0, missing: 0 });
    expect(lines).toEqual(Array.from({ length: total }, (_, n) => eventLine(n)));
    expect(notices.filter((m) => m.includes('lost'))).toEqual([]);
  });

  it.each([
    ['keeps every backup', 100_000],
    ['keeps 2 backups', 2],
  ])(
    'prints each line at most once, in order, and counts every line lost, while another process rotates as fast as it can and %s',
    async (_, keep) => {
      const total = 3000;
      fs.writeFileSync(file, '');
      const stop = new AbortController();
      const { lines, notices, reading } = follow(stop, 1);
      try {
        const args = [file, total, 1024, keep].map(String);
        const writer = spawn(process.execPath, ['-e', RACING_WRITER, ...args], {
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        const code = await new Promise((resolve) => writer.on('exit', resolve));
        expect(code).toBe(0);
        const last = eventId(total - 1);
        await waitFor(() => lines.length > 0 && idOf(lines[lines.length - 1]) === last, 20_000);
        await new Promise((r) => setTimeout(r, 100));
      } finally {
        stop.abort();
        await reading;
      }
      const { duplicates, outOfOrder, missing } = damage(lines, total);
      expect({ duplicates, outOfOrder }).toEqual({ duplicates: 0, outOfOrder: 0 });
      expect(idOf(lines[lines.length - 1])).toBe(eventId(total - 1));
      if (keep > total) expect(missing).toBe(0);
      expect(linesLost(notices)).toBe(missing);
    },
  );

  it('repeats and reorders nothing when retention deletes backups unread, and counts what it lost', async () => {
    const total = 4000;
    // 2 backups of 1 KiB: a burst of up to 120 lines rotates past both before the follower looks.
    const writer = new RotatingFileWriter(file, 1024, 2, { scheduler: new WriteOutScheduler() });
    const { lines, notices } = await writeAndFollow(writer, total, 120);
    const { duplicates, outOfOrder, missing } = damage(lines, total);
    expect({ duplicates, outOfOrder }).toEqual({ duplicates: 0, outOfOrder: 0 });
    expect(missing).toBeGreaterThan(0); // else this test did not exercise retention
    expect(idOf(lines[lines.length - 1])).toBe(eventId(total - 1));
    // Ids within one millisecond tell each gap's size exactly: the notices add up to what is missing.
    expect(linesLost(notices)).toBe(missing);
  });
});
