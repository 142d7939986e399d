import * as fs from 'node:fs';
import * as path from 'node:path';
import { TestingModule } from '@nestjs/testing';
import { firstValueFrom, take, toArray } from 'rxjs';
import { createLogger } from '../../testing/logger-module';
import { readEvents, tempDir } from '../../testing/temp-dir';
import { OrchestratorEvent } from '@orchestrator/events-contract';
import { EventLogger } from './event-logger.service';
import { backupPath } from '../file/log-files';
import { EventHistory } from '../history/event-history.service';

describe('EventLogger', () => {
  let dir: string;
  let cleanup: () => void;
  let file: string;
  let module: TestingModule | undefined;

  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    file = path.join(dir, 'orch.log');
  });
  afterEach(async () => {
    await module?.close();
    module = undefined;
    cleanup();
  });

  /** Past events are EventHistory's: the same module's. */
  const history = (): EventHistory => (module as TestingModule).get(EventHistory);

  async function start(options: Parameters<typeof createLogger>[0] = {}): Promise<EventLogger> {
    const created = await createLogger({ logFile: file, ...options });
    module = created.module;
    return created.logger;
  }

  /**
   * A logger with a 64k pending bound that writes one `before` line, then logs 2,000 `during` events
   * while a file stands where the log directory should be: every write fails, as on a broken disk.
   * The caller removes that file (`fs.rmSync(dir)`) to let the disk recover.
   */
  async function startOnBrokenDisk(): Promise<EventLogger> {
    const logger = await start({ maxPendingBytes: '64k' });
    logger.info('before');
    await logger.flush();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.writeFileSync(dir, 'not a directory');
    for (let n = 0; n < 2000; n++) {
      logger.info('during', { n, pad: 'x'.repeat(60) });
      if (n % 100 === 99) await new Promise((r) => setImmediate(r));
    }
    return logger;
  }

  describe('rotation under a tight burst', () => {
    it('200,000 events at 64k with 5 backups: exact retention, every line whole, ids without gaps', async () => {
      const logger = await start({ maxSize: '64k', maxFiles: 5 });
      for (let n = 0; n < 200_000; n++) {
        logger.log({
          event: 'task_progress',
          task_id: `t-${n % 1000}`,
          run_id: `r-${n % 100}`,
          status: 'running',
          message: `step ${n}`,
          n,
        });
      }
      await logger.flush();

      const names = fs.readdirSync(dir).sort();
      expect(names).toEqual([
        'orch.log',
        'orch.log.1',
        'orch.log.2',
        'orch.log.3',
        'orch.log.4',
        'orch.log.5',
      ]);
      const oldestFirst = [5, 4, 3, 2, 1].map((n) => backupPath(file, n)).concat(file);
      const events = oldestFirst.flatMap((f) => readEvents(f)) as OrchestratorEvent[];
      for (const f of oldestFirst) {
        const longest = Math.max(
          ...fs
            .readFileSync(f, 'utf8')
            .split('\n')
            .map((l) => l.length + 1),
        );
        expect(fs.statSync(f).size).toBeLessThanOrEqual(64 * 1024);
        expect(fs.statSync(f).size).toBeGreaterThan(f === file ? 0 : 64 * 1024 - longest);
      }
      const bad = events.filter(
        (e, i) =>
          i > 0 &&
          !(e.event_id > events[i - 1].event_id && e['n'] === (events[i - 1]['n'] as number) + 1),
      );
      expect(bad).toEqual([]);
      expect(events[events.length - 1]['n']).toBe(199_999);
      expect(logger.stats()).toMatchObject({ written: 200_000, pending: 0, writeErrors: 0 });
    });
  });

  it('a second logger on the same files continues the ids above the first one', async () => {
    const first = await start({ maxSize: '4k', maxFiles: 2 });
    const ids1 = Array.from({ length: 300 }, (_, n) => first.log({ event: 'a', n }) as string);
    await module?.close();
    module = undefined;
    const second = await start({ maxSize: '4k', maxFiles: 2 });
    const id2 = second.log({ event: 'b' }) as string;
    expect(id2 > ids1[ids1.length - 1]).toBe(true);
    await second.flush();
    const page = await history().query({ limit: 3 });
    // The first logger's last line is its orchestrator_stopped, above its last event too.
    expect(page.events.map((e) => e.event)).toEqual(['a', 'orchestrator_stopped', 'b']);
    expect(page.events[0].event_id).toBe(ids1[ids1.length - 1]);
    expect(page.events[1].event_id > ids1[ids1.length - 1]).toBe(true);
    expect(page.events[2].event_id).toBe(id2);
  });

  it('keeps the caller message and drops events below LOG_LEVEL from file and bus', async () => {
    const logger = await start({ level: 'warn' });
    const seen: OrchestratorEvent[] = [];
    const sub = logger.stream().subscribe((e) => seen.push(e));
    expect(
      logger.info('task_started', { task_id: 't1', message: 'Task started successfully' }),
    ).toBeUndefined();
    logger.warn('task_slow', { task_id: 't1', message: 'Slow: 5s' });
    logger.log({ event: 'task_failed', level: 'error', message: 'Boom' });
    await logger.flush();
    sub.unsubscribe();
    const lines = readEvents(file);
    expect(lines.map((l) => [l['event'], l['level'], l['message']])).toEqual([
      ['task_slow', 'WARNING', 'Slow: 5s'],
      ['task_failed', 'ERROR', 'Boom'],
    ]);
    expect(seen.map((e) => e.event)).toEqual(['task_slow', 'task_failed']);
  });

  it('has each event written before it is published, in logging order', async () => {
    const logger = await start();
    const onDiskAtReceipt: boolean[] = [];
    const received: string[] = [];
    const sub = logger.stream().subscribe((e) => {
      received.push(e.event_id);
      onDiskAtReceipt.push(fs.readFileSync(file, 'utf8').includes(`"event_id":"${e.event_id}"`));
    });
    const ids = [0, 1, 2].map((n) => logger.info('step', { n }));
    // Nothing is out before the end of the turn: the lines are not written yet either.
    expect(received).toEqual([]);
    await logger.flush();
    sub.unsubscribe();
    expect(received).toEqual(ids);
    expect(onDiskAtReceipt).toEqual([true, true, true]);
  });

  it('bounds memory while the disk fails, then logs one events_dropped ERROR saying how many', async () => {
    const logger = await startOnBrokenDisk();
    const failing = logger.stats();
    expect(failing.writeErrors).toBeGreaterThan(0);
    expect(failing.pendingBytes).toBeLessThanOrEqual(64 * 1024);
    expect(failing.dropped).toBeGreaterThan(1000);

    fs.rmSync(dir);
    await logger.flush();
    await new Promise((r) => setImmediate(r));
    await logger.flush();
    const lines = readEvents(file);
    const during = lines.filter((e) => e['event'] === 'during');
    expect(during.map((e) => e['n'])).toEqual(during.map((_, i) => i));
    expect(during.length + failing.dropped).toBe(2000);
    const reports = lines.filter((e) => e['event'] === 'events_dropped');
    expect(reports).toEqual([
      expect.objectContaining({ level: 'ERROR', dropped: failing.dropped }),
    ]);
    expect(lines[lines.length - 1]['event']).toBe('events_dropped');
  });

  it('logs events_dropped outside the context of the caller whose read or write recovered the file', async () => {
    const logger = await startOnBrokenDisk();
    expect(logger.stats().dropped).toBeGreaterThan(0);
    fs.rmSync(dir);
    // A job's history read writes out what is pending first: the recovery happens inside its context.
    await logger.withContext({ task_id: 'job-b', run_id: 'run-b' }, async () => {
      await (module as TestingModule).get(EventHistory).query({});
      logger.info('job_b_step');
      await new Promise((r) => setImmediate(r));
      await logger.flush();
    });
    await logger.flush();
    const lines = readEvents(file);
    expect(lines.find((e) => e['event'] === 'job_b_step')).toMatchObject({ task_id: 'job-b' });
    const reports = lines.filter((e) => e['event'] === 'events_dropped');
    expect(reports).toHaveLength(1);
    expect(reports[0]).not.toHaveProperty('task_id');
    expect(reports[0]).not.toHaveProperty('run_id');
  });

  it('says in a torn_lines_found WARNING event that it ended a torn last line, at start and on a reopen, outside any caller context', async () => {
    fs.writeFileSync(file, '{"event":"a"}\n{"event":"cut sho');
    const logger = await start();
    await new Promise((r) => setImmediate(r));
    await logger.flush();
    // The file is replaced under the logger by one that ends torn, while a job logs.
    await logger.withContext({ task_id: 'job-c', run_id: 'run-c' }, async () => {
      fs.rmSync(file);
      fs.writeFileSync(file, '{"event":"b"}\n{"event":"cut aga');
      logger.info('job_c_step');
      await logger.flush();
      await new Promise((r) => setImmediate(r));
      await logger.flush();
    });
    const found = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.includes('torn_lines_found'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(found).toEqual([
      expect.objectContaining({ level: 'WARNING', torn_lines: 1, file: path.resolve(file) }),
    ]);
    expect(found[0]).not.toHaveProperty('task_id');
    expect(found[0]).not.toHaveProperty('run_id');
    // The first one, at start, is in the file that was replaced: the logger counted both.
    expect(logger.stats().tornLines).toBe(2);
  });

  it('never throws into the caller, whatever it logs', async () => {
    const logger = await start();
    const circular: Record<string, unknown> = {};
    circular['me'] = circular;
    const inputs: unknown[] = [
      { event: 'x', circular },
      { event: 'x', big: 10n },
      { event: 'x', err: new Error('e') },
      { event: undefined },
      { event: 'x', level: 'NOPE' },
      { event: 'x', task_id: { nested: true } },
      { event: 'x', payload: 'z'.repeat(1024 * 1024) },
    ];
    for (const input of inputs) expect(() => logger.log(input as never)).not.toThrow();
    await logger.flush();
    expect(readEvents(file)).toHaveLength(inputs.length);
  });

  it('redacts secrets in the file and on the stream alike', async () => {
    const logger = await start({ redactKeys: ['password', 'api_key'] });
    const seen: OrchestratorEvent[] = [];
    const sub = logger.stream().subscribe((e) => seen.push(e));
    logger.info('connect', { password: 'p4ss', config: { API_KEY: 'k', host: 'db' } });
    await logger.flush();
    sub.unsubscribe();
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toMatch(/p4ss|"k"/);
    expect(readEvents(file)[0]).toMatchObject({
      password: '[REDACTED]',
      config: { API_KEY: '[REDACTED]', host: 'db' },
    });
    expect(seen[0]).toEqual(readEvents(file)[0]);
  });

  it('cuts an event with a 10 MB field to the maximum line size; its neighbours are untouched', async () => {
    const logger = await start();
    logger.info('before', { n: 1 });
    logger.info('huge', { blob: 'b'.repeat(10 * 1024 * 1024), n: 2 });
    logger.info('after', { n: 3 });
    await logger.flush();
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(3);
    expect(Buffer.byteLength(lines[1])).toBeLessThanOrEqual(65536);
    const [before, huge, after] = lines.map((l) => JSON.parse(l));
    expect(huge).toMatchObject({ event: 'huge', n: 2, _truncated: true });
    expect(before).toMatchObject({ event: 'before', n: 1 });
    expect(after).toMatchObject({ event: 'after', n: 3 });
    expect('_truncated' in before || '_truncated' in after).toBe(false);
  });

  describe('withContext', () => {
    it('stamps ids across awaits and keeps parallel contexts apart', async () => {
      const logger = await start();
      const job = (task: string, delays: number[]) =>
        logger.withContext({ task_id: task, run_id: `run-${task}` }, async () => {
          for (const [i, ms] of delays.entries()) {
            await new Promise((r) => setTimeout(r, ms));
            logger.info('step', { step: i });
          }
          logger.info('own', { task_id: 'explicit' });
        });
      await Promise.all([job('a', [5, 1, 7]), job('b', [1, 6, 2]), job('c', [3, 3, 3])]);
      logger.info('outside');
      await logger.flush();
      const events = readEvents(file);
      for (const task of ['a', 'b', 'c']) {
        const steps = events.filter((e) => e['event'] === 'step' && e['task_id'] === task);
        expect(steps.map((e) => [e['step'], e['run_id']])).toEqual([
          [0, `run-${task}`],
          [1, `run-${task}`],
          [2, `run-${task}`],
        ]);
      }
      expect(events.filter((e) => e['event'] === 'own').map((e) => e['task_id'])).toEqual([
        'explicit',
        'explicit',
        'explicit',
      ]);
      const outside = events.find((e) => e['event'] === 'outside');
      expect(outside && 'task_id' in outside).toBe(false);
    });

    it('nests: inner ids win, outer ones stay', async () => {
      const logger = await start();
      logger.withContext({ task_id: 'outer', run_id: 'r1' }, () =>
        logger.withContext({ task_id: 'inner' }, () => logger.info('x')),
      );
      await logger.flush();
      expect(readEvents(file)[0]).toMatchObject({ task_id: 'inner', run_id: 'r1' });
    });
  });

  describe('track', () => {
    it('logs started and completed with duration and result, carrying the ids inside', async () => {
      const logger = await start();
      const result = await logger.track(
        'job',
        { task_id: 'job-456', run_id: 'run-789' },
        async () => {
          logger.info('job_step', { step: 1 });
          await new Promise((r) => setTimeout(r, 20));
          return { processed: 3 };
        },
      );
      expect(result).toEqual({ processed: 3 });
      await logger.flush();
      const events = readEvents(file);
      expect(events.map((e) => [e['event'], e['status'], e['task_id'], e['run_id']])).toEqual([
        ['job_started', 'running', 'job-456', 'run-789'],
        ['job_step', undefined, 'job-456', 'run-789'],
        ['job_completed', 'success', 'job-456', 'run-789'],
      ]);
      expect(events[2]['result']).toEqual({ processed: 3 });
      expect(events[2]['duration_ms']).toBeGreaterThanOrEqual(15);
    });

    it('logs failed with the error and duration at ERROR level, and rethrows', async () => {
      const logger = await start();
      const failure = new Error('disk full');
      await expect(
        logger.track('job', { task_id: 'j1' }, async () => {
          throw failure;
        }),
      ).rejects.toBe(failure);
      await logger.flush();
      const [started, failed] = readEvents(file);
      expect(started).toMatchObject({ event: 'job_started', status: 'running' });
      expect(failed).toMatchObject({
        event: 'job_failed',
        level: 'ERROR',
        status: 'failed',
        task_id: 'j1',
        error: { name: 'Error', message: 'disk full' },
      });
      expect(typeof failed['duration_ms']).toBe('number');
      expect('result' in failed).toBe(false);
    });
  });

  describe('query', () => {
    async function seeded(): Promise<{ logger: EventLogger; ids: string[] }> {
      const logger = await start({ maxSize: '8k', maxFiles: 5, level: 'DEBUG' });
      const ids: string[] = [];
      for (let n = 0; n < 400; n++) {
        const level = (['DEBUG', 'INFO', 'WARNING', 'ERROR'] as const)[n % 4];
        ids.push(
          logger.log({
            event: n % 2 === 0 ? 'even' : 'odd',
            task_id: `t-${n % 5}`,
            run_id: `r-${n % 3}`,
            level,
            n,
          }) as string,
        );
      }
      return { logger, ids };
    }

    it('returns the newest matches in chronological order, across rotated files, without flushing first', async () => {
      await seeded();
      const page = await history().query({ task_id: 't-2', limit: 5 });
      expect(page.events.map((e) => e['n'])).toEqual([377, 382, 387, 392, 397]);
      expect(page.has_more).toBe(true);
      expect(fs.readdirSync(dir).length).toBe(6);
    });

    it('combines task, run, event names and minimum level', async () => {
      await seeded();
      const page = await history().query({
        task_id: 't-1',
        run_id: 'r-0',
        event: ['odd', 'even'],
        level: 'WARNING',
        limit: 1000,
      });
      const expected = (page.events.length > 0 ? page.events : [{ n: -1 }]).map(
        (e) => e['n'] as number,
      );
      for (const n of expected) {
        expect(n % 5).toBe(1);
        expect(n % 3).toBe(0);
        expect(n % 4).toBeGreaterThanOrEqual(2);
      }
      const all = Array.from({ length: 400 }, (_, n) => n).filter(
        (n) => n % 5 === 1 && n % 3 === 0 && n % 4 >= 2,
      );
      const oldestKept = (await history().query({ limit: 1000 })).events[0]['n'] as number;
      expect(expected).toEqual(all.filter((n) => n >= oldestKept));
      expect(page.has_more).toBe(false);
    });

    it('pages backwards with before and forwards with after, with no gap or repeat', async () => {
      await seeded();
      const retained = (await history().query({ limit: 1000 })).events;
      const backward: number[] = [];
      let before: string | undefined;
      for (;;) {
        const page = await history().query({ event: ['even'], limit: 7, before });
        backward.unshift(...page.events.map((e) => e['n'] as number));
        if (!page.has_more) break;
        before = page.events[0].event_id;
      }
      const forward: number[] = [];
      let after = '0';
      for (;;) {
        const page = await history().query({ event: ['even'], limit: 7, after });
        forward.push(...page.events.map((e) => e['n'] as number));
        if (!page.has_more) break;
        after = page.events[page.events.length - 1].event_id;
      }
      const expected = retained.filter((e) => e.event === 'even').map((e) => e['n']);
      expect(backward).toEqual(expected);
      expect(forward).toEqual(expected);
    });

    it('filters by time: since inclusive, until exclusive', async () => {
      await seeded();
      const all = (await history().query({ limit: 1000 })).events;
      const since = all[10].timestamp;
      const until = all[20].timestamp;
      const page = await history().query({ since, until, limit: 1000 });
      const expected = all.filter((e) => e.timestamp >= since && e.timestamp < until);
      expect(page.events).toEqual(expected);
      expect(expected.length).toBeGreaterThanOrEqual(10);
    });

    it('skips and counts torn lines', async () => {
      const logger = await start();
      logger.info('a');
      await logger.flush();
      fs.appendFileSync(file, '{"torn": tr\n');
      logger.info('b');
      const page = await history().query();
      expect(page.events.map((e) => e.event)).toEqual(['a', 'b']);
      expect(page.skipped_lines).toBe(1);
    });
  });

  describe('stream', () => {
    it('emits only matching live events, and works with for await', async () => {
      const logger = await start();
      const observed = firstValueFrom(logger.stream({ task_id: 't1' }).pipe(take(2), toArray()));
      const iterated: string[] = [];
      const reader = (async () => {
        for await (const event of logger.stream({ event: ['done'] })) {
          iterated.push(`${event.task_id}:${event.event}`);
          if (iterated.length === 2) break;
        }
      })();
      logger.info('start', { task_id: 't1' });
      logger.info('start', { task_id: 't2' });
      logger.info('done', { task_id: 't2' });
      logger.info('done', { task_id: 't1' });
      expect((await observed).map((e) => e.event)).toEqual(['start', 'done']);
      await reader;
      expect(iterated).toEqual(['t2:done', 't1:done']);
      expect(logger.stats().subscribers).toBe(0);
    });
  });
});
