import * as fs from 'node:fs';
import { EventQuery } from '@orchestrator/events-contract';
import { useTempLogFile } from '../../testing/temp-dir';
import { firstEventId, seekAfter } from './cursor.seek';
import { EventStore } from './event-store';
import { LogFileSet } from './log-file-set';
import { RotatingFileWriter } from './rotating-file.writer';
import { WriteOutScheduler } from './write-out.scheduler';

/** The one scheduler the module would pass; each writer here registers its own flushes. */
const scheduler = new WriteOutScheduler();

describe('after= cursor lookup (seekAfter through EventStore)', () => {
  const tmp = useTempLogFile();

  const id = (n: number) => `1795500000000-${String(n).padStart(6, '0')}-o`;
  const line = (n: number, fields: Record<string, unknown> = {}) =>
    JSON.stringify({
      timestamp: `2026-11-25T00:00:00.${String(n).padStart(6, '0')}Z`,
      level: 'INFO',
      logger: 'orchestrator_events',
      event: 'e',
      event_id: id(n),
      orch_id: 'o',
      task_id: 't',
      n,
      ...fields,
    });
  // Not JSON, yet holding what every reading path looks for: the task index and the event needle
  // list it as a candidate, so only not reading it keeps it out of `skipped_lines`.
  const CORRUPT = '{"event":"e","event_id":"torn","task_id":"t", torn';

  it('does not read the lines before the cursor: a corrupt region there is never met', async () => {
    const lines = [line(0)];
    for (let i = 0; i < 20_000; i++) lines.push(CORRUPT);
    for (let n = 1; n <= 5_000; n++) lines.push(line(n));
    fs.writeFileSync(tmp.file, lines.join('\n') + '\n');
    const store = new EventStore(new LogFileSet(tmp.file, 0));
    const expected = Array.from({ length: 100 }, (_, i) => 4_001 + i);
    // Every way a file is read: a plain scan, the task index, the event-name needle.
    const queries: EventQuery[] = [{}, { task_id: 't' }, { event: ['e'] }];
    for (const query of queries) {
      const page = await store.query({ ...query, after: id(4_000), limit: 100 });
      expect(page.events.map((e) => e['n'])).toEqual(expected);
      expect(page.has_more).toBe(true);
      // Before the bisection, all 20,000 corrupt lines were parsed (and counted) on the way.
      expect(page.skipped_lines).toBe(0);
    }
    // A cursor inside the corrupt region still reads from there: its lines are met and counted.
    const early = await store.query({ after: id(0), limit: 3 });
    expect(early.events.map((e) => e['n'])).toEqual([1, 2, 3]);
    expect(early.skipped_lines).toBe(20_000);
  });

  it('returns a line start at or before the first id above the cursor, close to it', async () => {
    // Lines of varied length, some longer than a probe's first read (16 KiB) and than 64 KiB.
    const lines: string[] = [];
    const starts: number[] = [];
    let bytes = 0;
    for (let n = 0; n < 3_000; n++) {
      const pad = n % 250 === 7 ? 'L'.repeat(20_000 + n * 30) : 'p'.repeat((n * 7919) % 400);
      const text = n % 97 === 5 ? CORRUPT : line(n, { pad });
      starts.push(bytes);
      lines.push(text);
      bytes += Buffer.byteLength(text) + 1;
    }
    // The last line torn: no newline.
    fs.writeFileSync(tmp.file, lines.join('\n') + '\n' + line(3_000).slice(0, 40));
    const fd = fs.openSync(tmp.file, 'r');
    const size = fs.fstatSync(fd).size;
    try {
      const longest = Math.max(...lines.map((text) => text.length));
      for (const n of [0, 1, 2, 6, 7, 500, 1_234, 1_500, 2_200, 2_998, 2_999, 3_000]) {
        const offset = await seekAfter(fd, size, id(n));
        // Where the first line above the cursor starts (the torn tail has no id: the end).
        let k = n + 1;
        while (k < lines.length && lines[k] === CORRUPT) k++;
        const target = k < lines.length ? starts[k] : size;
        // Never past it, on a line start, and within a short scan of it: one window and one line,
        // in a file of about 2 MB.
        expect(offset).toBeLessThanOrEqual(target);
        expect(offset === size || starts.includes(offset)).toBe(true);
        expect(target - offset).toBeLessThanOrEqual(64 * 1024 + longest);
      }
      expect(size).toBeGreaterThan(10 * (64 * 1024 + longest));
      expect(await seekAfter(fd, size, '')).toBe(0);
    } finally {
      fs.closeSync(fd);
    }
  });

  it('pages forward over rotated files exactly as a full read would, for every cursor', async () => {
    const writer = new RotatingFileWriter(tmp.file, 16 * 1024, 3, { scheduler });
    const store = new EventStore(new LogFileSet(tmp.file, 3), () => writer.flushSync());
    for (let n = 0; n < 400; n++) {
      writer.append(line(n, { task_id: `t-${n % 3}`, pad: 'x'.repeat((n * 31) % 200) }));
    }
    writer.flushSync();
    const all = [3, 2, 1]
      .map((i) => `${tmp.file}.${i}`)
      .concat(tmp.file)
      .filter((f) => fs.existsSync(f))
      .flatMap((f) => fs.readFileSync(f, 'utf8').split('\n').filter(Boolean))
      .map((text) => JSON.parse(text) as Record<string, unknown>);
    expect(all.length).toBeGreaterThan(100);
    const firstKept = all[0]['n'] as number;
    for (let n = firstKept - 2; n < 400; n += 7) {
      for (const task_id of [undefined, 't-1']) {
        const page = await store.query({ task_id, after: id(n), limit: 25 });
        const after = all.filter(
          (e) => (e['n'] as number) > n && (task_id === undefined || e['task_id'] === task_id),
        );
        expect(page.events).toEqual(after.slice(0, 25));
        expect(page.has_more).toBe(after.length > 25);
      }
    }
    writer.close();
  });

  it('firstEventId: the first line that parses, past corrupt ones and through a long line', async () => {
    const firstOf = async (text: string) => {
      fs.writeFileSync(tmp.file, text);
      const fd = fs.openSync(tmp.file, 'r');
      try {
        return await firstEventId(fd, fs.fstatSync(fd).size);
      } finally {
        fs.closeSync(fd);
      }
    };
    const long = line(7, { pad: 'L'.repeat(100_000) });
    expect(await firstOf(`${CORRUPT}\n${CORRUPT}\n${long}\n${line(8)}\n`)).toBe(id(7));
    expect(await firstOf(`${line(9)}`)).toBe(id(9));
    expect(await firstOf(`${CORRUPT}\n`)).toBeUndefined();
    expect(await firstOf('')).toBeUndefined();
  });
});
