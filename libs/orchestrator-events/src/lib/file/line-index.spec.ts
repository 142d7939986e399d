import * as fs from 'node:fs';
import { readEvents, useTempLogFile } from '../../testing/temp-dir';
import { EventStore } from './event-store';
import { LogFileSet } from './log-file-set';
import { LineIndexCache } from './line-index';
import { RotatingFileWriter } from './rotating-file.writer';
import { WriteOutScheduler } from './write-out.scheduler';

/** The one scheduler the module would pass; each writer here registers its own flushes. */
const scheduler = new WriteOutScheduler();

describe('LineIndex (through EventStore queries)', () => {
  const tmp = useTempLogFile();

  let seq = 0;
  const line = (fields: Record<string, unknown>) =>
    JSON.stringify({
      timestamp: `2026-11-25T00:00:00.${String(seq).padStart(6, '0')}Z`,
      level: 'INFO',
      logger: 'orchestrator_events',
      event: 'e',
      event_id: `1795500000000-${String(seq++).padStart(6, '0')}-o`,
      orch_id: 'o',
      ...fields,
    });

  it('finds exactly what a full parse finds, across rotations and growth, for odd ids too', async () => {
    const writer = new RotatingFileWriter(tmp.file, 8 * 1024, 3, { scheduler });
    const store = new EventStore(new LogFileSet(tmp.file, 3), () => writer.flushSync());
    const tasks = ['t-1', 't-2', 'quote"in', 'back\\slash', 'ünï'];
    for (let round = 0; round < 3; round++) {
      for (let n = 0; n < 150; n++) {
        const task = tasks[n % tasks.length];
        // Some lines carry the id only nested (not indexed as the event's own), some carry none.
        if (n % 7 === 0) writer.append(line({ meta: { task_id: 't-1', run_id: 'r-1' } }));
        else if (n % 11 === 0) writer.append(line({ message: '"task_id":"t-1"' }));
        else writer.append(line({ task_id: task, run_id: `r-${n % 3}`, n }));
      }
      // Query between rounds: the index of the current file is extended, not rebuilt.
      writer.flushSync();
      const all = [3, 2, 1]
        .map((i) => `${tmp.file}.${i}`)
        .concat(tmp.file)
        .filter((f) => fs.existsSync(f))
        .flatMap((f) => readEvents(f));
      for (const task_id of [...tasks, 'absent']) {
        for (const run_id of [undefined, 'r-1']) {
          const page = await store.query({ task_id, run_id, limit: 1000 });
          const expected = all.filter(
            (e) => e['task_id'] === task_id && (run_id === undefined || e['run_id'] === run_id),
          );
          expect(page.events).toEqual(expected);
        }
      }
      const byRun = await store.query({ run_id: 'r-2', limit: 5 });
      expect(byRun.events).toEqual(all.filter((e) => e['run_id'] === 'r-2').slice(-5));
    }
    writer.close();
  });

  it('is not fooled by a new file that reuses the inode of a deleted one', async () => {
    const cache = new LineIndexCache();
    fs.writeFileSync(tmp.file, line({ task_id: 'old' }) + '\n');
    let fd = fs.openSync(tmp.file, 'r');
    const key = 'same-key';
    let index = await cache.forFile(fd, key, fs.fstatSync(fd).size);
    expect(index.candidates('old', undefined)?.starts).toEqual([0]);
    fs.closeSync(fd);
    fs.writeFileSync(tmp.file, line({ task_id: 'new' }) + '\n' + line({ task_id: 'new' }) + '\n');
    fd = fs.openSync(tmp.file, 'r');
    index = await cache.forFile(fd, key, fs.fstatSync(fd).size);
    expect(index.candidates('old', undefined)?.starts).toEqual([]);
    expect(index.candidates('new', undefined)?.starts).toHaveLength(2);
    fs.closeSync(fd);
  });
});
