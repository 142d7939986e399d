import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Job, Queue, Worker } from 'bullmq';
import { tempDir } from '../testing/temp-dir';
import { TEST_REDIS, TestQueue, testQueue } from '../testing/test-queue';
import { redisAvailable, until } from '../testing/require-redis';

/**
 * Exactly once across a crash: 1,000 jobs of four kinds go through a real Worker while the app
 * that records them (a child process) is killed with SIGKILL in the middle and started again; the
 * events in the log are then checked, job by job, against BullMQ's own record of each job (its
 * state, attemptsStarted, attemptsMade).
 */
const REDIS = TEST_REDIS;
const CHILD = path.join(__dirname, '..', 'testing', 'bullmq-capture-child.ts');
const TS_NODE_ENV = {
  TS_NODE_PROJECT: path.join(__dirname, '..', '..', 'tsconfig.spec.json'),
  TS_NODE_TRANSPILE_ONLY: 'true',
};
const JOBS = 1000;
const CHUNK = 50;
const canRun = redisAvailable('BullMQ restart test');

type Kind = 'ok' | 'flaky' | 'doomed' | 'progress';
type Logged = { event: string; job_id: string; bullmq_event_id: string; [k: string]: unknown };

interface App {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
}

async function startChild(logFile: string, queue: string): Promise<App> {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', CHILD, logFile, queue],
    { env: { ...process.env, ...TS_NODE_ENV }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await until(() => out.includes('ready') || child.exitCode !== null, 60_000, 'child ready');
  if (!out.includes('ready')) throw new Error(`child did not start:\n${out}`);
  return { child, exited, output: () => out };
}

/** The log's events of the queue; a line torn by the kill is not JSON and is left out. */
function logged(file: string, queue: string): Logged[] {
  if (!fs.existsSync(file)) return [];
  const out: Logged[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    try {
      const event = JSON.parse(line) as Logged;
      if (event['queue'] === queue) out.push(event);
    } catch {
      // torn or empty line
    }
  }
  return out;
}

function kindOf(n: number): Kind {
  const r = n % 10;
  return r < 6 ? 'ok' : r < 8 ? 'flaky' : r < 9 ? 'doomed' : 'progress';
}

(canRun ? describe : describe.skip)('BullMQ capture: 1,000 jobs across a crash of the app', () => {
  let dir: string;
  let cleanup: () => void;
  let queue: string;
  let producer: Queue;
  let worker: Worker;
  let testing: TestQueue;
  const children: ChildProcess[] = [];

  beforeAll(() => {
    ({ dir, cleanup } = tempDir('orch-bullmq-restart-'));
    testing = testQueue('orch-restart');
    ({ name: queue, producer } = testing);
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await worker?.close(true);
    await testing.remove();
    cleanup();
  });

  it('logs every transition exactly once, as BullMQ recorded it', async () => {
    const logFile = path.join(dir, 'orch.log');
    const first = await startChild(logFile, queue);
    children.push(first.child);
    worker = new Worker(
      queue,
      async (job: Job) => {
        await sleep(job.id ? Number(job.id) % 3 : 0);
        const kind = job.data.kind as Kind;
        if (kind === 'doomed' || (kind === 'flaky' && job.attemptsMade === 0)) {
          throw new Error(`${kind} attempt ${job.attemptsMade + 1}`);
        }
        if (kind === 'progress') await job.updateProgress(50);
        return { n: job.data.n };
      },
      { connection: REDIS, concurrency: 16 },
    );
    worker.on('error', () => undefined);

    // Jobs come in chunks while the app runs, is killed, is down, and runs again.
    let killedAt = -1;
    let finishedAtKill = 0;
    const finished = async () => {
      const counts = await producer.getJobCounts('completed', 'failed');
      return counts['completed'] + counts['failed'];
    };
    let secondStarting: Promise<App> | undefined;
    for (let n = 0; n < JOBS; n += CHUNK) {
      await producer.addBulk(
        Array.from({ length: CHUNK }, (_, i) => {
          const kind = kindOf(n + i);
          return {
            name: kind,
            data: { kind, n: n + i, task_id: `task-${n + i}` },
            opts: { attempts: kind === 'ok' || kind === 'progress' ? 1 : 2 },
          };
        }),
      );
      if (n === 8 * CHUNK) {
        // Killed while it is logging this chunk's transitions: some read, some logged but not yet
        // written or acknowledged, some not read at all.
        const before = logged(logFile, queue).length;
        await until(() => logged(logFile, queue).length > before + 30 || undefined, 10_000);
        first.child.kill('SIGKILL');
        killedAt = logged(logFile, queue).length;
        await first.exited;
        finishedAtKill = await finished();
        // Started at once; it takes seconds (ts-node), during which jobs keep moving.
        secondStarting = startChild(logFile, queue);
      }
      await sleep(100);
    }
    const second = await (secondStarting as Promise<App>);
    children.push(second.child);
    // The app was killed with work done and work to come, and jobs finished while it was down.
    const finishedWhileDown = (await finished()) - finishedAtKill;
    expect(killedAt).toBeGreaterThan(0);
    expect(finishedWhileDown).toBeGreaterThan(0);

    // BullMQ's own record: every job finished, completed or failed.
    await until(async () => (await finished()) === JOBS || undefined, 60_000, 'all jobs finished');
    const jobs = await producer.getJobs(['completed', 'failed'], 0, JOBS);
    const states = new Map(
      await Promise.all(jobs.map(async (j) => [j.id as string, await j.getState()] as const)),
    );
    const expectedEvents = jobs.reduce(
      (sum, j) =>
        sum +
        1 + // queued
        j.attemptsStarted + // started
        2 * (j.attemptsMade - 1) + // failed + retrying per retried attempt
        1 + // completed or the final failed
        (j.data.kind === 'progress' ? j.attemptsStarted : 0),
      0,
    );
    await until(
      () => logged(logFile, queue).length >= expectedEvents || undefined,
      60_000,
      `${expectedEvents} events logged (have ${logged(logFile, queue).length})`,
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const events = logged(logFile, queue);
    expect(killedAt).toBeLessThan(events.length);
    // Nothing twice: each stream entry gave each of its events once.
    const keys = events.map((e) => `${e.bullmq_event_id}/${e.event}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(events).toHaveLength(expectedEvents);

    const byJob = new Map<string, Logged[]>();
    for (const e of events) byJob.set(e.job_id, [...(byJob.get(e.job_id) ?? []), e]);
    const mismatches: string[] = [];
    for (const job of jobs) {
      const id = job.id as string;
      const mine = byJob.get(id) ?? [];
      const count = (name: string, where: (e: Logged) => boolean = () => true) =>
        mine.filter((e) => e.event === name && where(e)).length;
      const completed = states.get(id) === 'completed';
      const expected = {
        job_queued: 1,
        job_started: job.attemptsStarted,
        job_completed: completed ? 1 : 0,
        retried_failures: job.attemptsMade - 1,
        final_failures: completed ? 0 : 1,
        job_retrying: job.attemptsMade - 1,
        job_progress: job.data.kind === 'progress' ? job.attemptsStarted : 0,
        job_stalled: 0,
      };
      const actual = {
        job_queued: count('job_queued'),
        job_started: count('job_started'),
        job_completed: count('job_completed'),
        retried_failures: count('job_failed', (e) => e['will_retry'] === true),
        final_failures: count('job_failed', (e) => e['will_retry'] === false),
        job_retrying: count('job_retrying'),
        job_progress: count('job_progress'),
        job_stalled: count('job_stalled'),
      };
      const runs = mine
        .filter((e) => e.event === 'job_started')
        .map((e) => e['run_id'])
        .join();
      const expectedRuns = Array.from(
        { length: job.attemptsStarted },
        (_, i) => `${queue}:${id}:${i + 1}`,
      ).join();
      if (JSON.stringify(actual) !== JSON.stringify(expected) || runs !== expectedRuns) {
        mismatches.push(`${id} (${job.data.kind}): ${JSON.stringify({ expected, actual, runs })}`);
      }
      if (mine.some((e) => e['task_id'] !== job.data.task_id)) {
        mismatches.push(`${id}: task_id differs from job.data.task_id`);
      }
    }
    expect(mismatches).toEqual([]);
    process.stdout.write(
      `${events.length} transitions of ${JOBS} jobs; ${killedAt} logged before the kill, ` +
        `${finishedWhileDown} jobs finished while the app was down\n`,
    );
    // The kinds really happened: retries that succeeded and jobs that failed for good.
    expect([...states.values()].filter((s) => s === 'failed')).toHaveLength(JOBS / 10);
  });
});
