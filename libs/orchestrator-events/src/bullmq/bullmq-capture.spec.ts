import { Injectable, Module } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { Job, Queue, Worker, WorkerOptions } from 'bullmq';
import type Redis from 'ioredis';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readEvents, tempDir } from '../testing/temp-dir';
import { TEST_REDIS, TestQueue, testQueue } from '../testing/test-queue';
import { redisAvailable, until } from '../testing/require-redis';
import { EventLogger } from '../lib/write/event-logger.service';
import { OrchestratorEventsModule } from '../lib/orchestrator-events.module';
import { BullMQJobContext } from './bullmq-job-context';
import { OrchestratorEventsBullMQOptions } from './bullmq.options';
import { OrchestratorEventsBullMQModule } from './orchestrator-events-bullmq.module';

/**
 * The capture against the real Redis on 127.0.0.1:6379 with real BullMQ workers: each test has its
 * own queue (and so its own stream and cursor key) and removes every key of it afterwards.
 */
const REDIS = TEST_REDIS;
const canRun = redisAvailable('BullMQ capture tests');

type Logged = Record<string, unknown> & { event: string; task_id?: string; run_id?: string };

@Injectable()
class Processors {
  constructor(
    readonly events: EventLogger,
    readonly jobContext: BullMQJobContext,
  ) {}
}

@Module({ providers: [Processors], exports: [Processors] })
class ProcessorsModule {}

(canRun ? describe : describe.skip)(
  'OrchestratorEventsBullMQModule (real Redis, real Worker)',
  () => {
    let dir: string;
    let cleanup: () => void;
    let queue: TestQueue;
    let queueName: string;
    let producer: Queue;
    let admin: Redis;
    const apps: TestingModule[] = [];
    const workers: Worker[] = [];

    const logFile = () => path.join(dir, 'orch.log');
    const logged = (): Logged[] =>
      (readEvents(logFile()) as Logged[]).filter((e) => e['queue'] === queueName);
    const ofJob = (id: string | undefined) => logged().filter((e) => e['job_id'] === id);

    async function startApp(
      options: Partial<OrchestratorEventsBullMQOptions> = {},
    ): Promise<TestingModule> {
      const app = await Test.createTestingModule({
        imports: [
          OrchestratorEventsModule.forRoot({ logFile: logFile(), env: {}, controller: false }),
          OrchestratorEventsBullMQModule.forRoot({
            queues: [queueName],
            connection: REDIS,
            ...options,
          }),
          ProcessorsModule,
        ],
      }).compile();
      await app.init();
      apps.push(app);
      return app;
    }

    async function stopApp(app: TestingModule): Promise<void> {
      apps.splice(apps.indexOf(app), 1);
      await app.close();
    }

    function worker(
      processor: (job: Job) => Promise<unknown>,
      options: Partial<WorkerOptions> = {},
    ): Worker {
      const w = new Worker(queueName, processor, { connection: REDIS, concurrency: 4, ...options });
      w.on('error', () => undefined);
      workers.push(w);
      return w;
    }

    /** Waits until the job's events include every name in `names`, in that order. */
    async function eventsOf(jobId: string | undefined, names: string[]): Promise<Logged[]> {
      return until(
        () => {
          const events = ofJob(jobId);
          return events.map((e) => e.event).join() === names.join() ? events : undefined;
        },
        20_000,
        `job ${jobId}: ${names.join(',')} (got ${ofJob(jobId)
          .map((e) => e.event)
          .join(',')})`,
      );
    }

    beforeEach(() => {
      ({ dir, cleanup } = tempDir('orch-bullmq-'));
      queue = testQueue('orch-test');
      ({ name: queueName, producer, admin } = queue);
    });

    afterEach(async () => {
      await Promise.all(workers.splice(0).map((w) => w.close(true)));
      for (const app of apps.splice(0)) await app.close();
      await queue.remove();
      cleanup();
    });

    it('records a job that succeeds: queued, started, completed with duration and a bounded result', async () => {
      await startApp({ maxValueBytes: 64 });
      worker(async (job) => (job.data.big ? 'x'.repeat(500) : { rendered: job.data.frames }));
      const job = await producer.add('render', { task_id: 'task-render-1', frames: 24 });
      const big = await producer.add('render', { big: true });
      const events = await eventsOf(job.id, ['job_queued', 'job_started', 'job_completed']);
      const [queued, started, completed] = events;
      expect(queued).toMatchObject({
        status: 'queued',
        level: 'INFO',
        task_id: 'task-render-1',
        job_id: job.id,
        job_name: 'render',
        max_attempts: 1,
      });
      expect(queued.run_id).toBeUndefined();
      expect(started).toMatchObject({
        status: 'running',
        attempt: 1,
        run_id: `${queueName}:${job.id}:1`,
      });
      expect(completed).toMatchObject({
        status: 'success',
        task_id: 'task-render-1',
        run_id: `${queueName}:${job.id}:1`,
        result: { rendered: 24 },
      });
      expect(typeof completed['duration_ms']).toBe('number');
      // Without data.task_id: <queue>:<job id>; a large return value is cut to a preview.
      const [, , bigDone] = await eventsOf(big.id, ['job_queued', 'job_started', 'job_completed']);
      expect(bigDone.task_id).toBe(`${queueName}:${big.id}`);
      expect(bigDone['result_truncated']).toBe(true);
      expect(String(bigDone['result']).length).toBeLessThanOrEqual(66);
    });

    it('records a failed attempt that is retried, then the success; and a job that fails for good', async () => {
      await startApp();
      worker(async (job) => {
        if (job.data.always || job.attemptsMade === 0)
          throw new Error(`boom ${job.attemptsMade + 1}`);
        return 'ok';
      });
      const retried = await producer.add(
        'flaky',
        {},
        { attempts: 3, backoff: { type: 'fixed', delay: 50 } },
      );
      const immediate = await producer.add('flaky', {}, { attempts: 2 });
      const doomed = await producer.add('doomed', { always: true }, { attempts: 2 });
      const flow = [
        'job_queued',
        'job_started',
        'job_failed',
        'job_retrying',
        'job_started',
        'job_completed',
      ];
      const events = await eventsOf(retried.id, flow);
      expect(events[2]).toMatchObject({
        level: 'ERROR',
        status: 'failed',
        attempt: 1,
        attempts_made: 1,
        max_attempts: 3,
        will_retry: true,
        error: { message: 'boom 1' },
        run_id: `${queueName}:${retried.id}:1`,
      });
      expect(events[3]).toMatchObject({ status: 'queued', attempt: 2, reason: 'failed' });
      expect(events[3]['delay_ms']).toBeGreaterThanOrEqual(0);
      expect(events[4]).toMatchObject({ attempt: 2, run_id: `${queueName}:${retried.id}:2` });
      await eventsOf(immediate.id, flow);

      const lost = await eventsOf(doomed.id, [
        'job_queued',
        'job_started',
        'job_failed',
        'job_retrying',
        'job_started',
        'job_failed',
      ]);
      expect(lost[5]).toMatchObject({
        level: 'ERROR',
        status: 'failed',
        attempt: 2,
        attempts_made: 2,
        will_retry: false,
        error: { message: 'boom 2' },
      });
      expect(lost[2]).toMatchObject({ will_retry: true, error: { message: 'boom 1' } });
      // BullMQ's own state agrees.
      expect(await (await Job.fromId(producer, doomed.id as string))?.getState()).toBe('failed');
    });

    it('records progress with its value, and gives events logged inside the processor the job ids', async () => {
      const app = await startApp();
      const { events, jobContext } = app.get(Processors);
      worker(
        jobContext.wrap(async (job: Job) => {
          await job.updateProgress(50);
          events.info('frame_rendered', { frame: 1 });
          await job.updateProgress({ frames: 2, of: 2 });
          return 'done';
        }),
      );
      const job = await producer.add('render', { task_id: 'task-progress' });
      const flow = await eventsOf(job.id, [
        'job_queued',
        'job_started',
        'job_progress',
        'job_progress',
        'job_completed',
      ]);
      expect(flow[2]).toMatchObject({ progress: 50, status: 'running', attempt: 1 });
      expect(flow[3]).toMatchObject({ progress: { frames: 2, of: 2 } });
      const inside = readEvents(logFile()).find((e) => e['event'] === 'frame_rendered');
      expect(inside).toMatchObject({
        task_id: 'task-progress',
        run_id: `${queueName}:${job.id}:1`,
        frame: 1,
      });
    });

    it('records a stalled job (its worker died), then its second run on another worker', async () => {
      await startApp();
      const settings = { lockDuration: 1000, stalledInterval: 500, maxStalledCount: 1 };
      // A processor that never settles: its worker is closed below without finishing the job.
      const first = worker(() => new Promise<never>(() => undefined), settings);
      const job = await producer.add('hang', { task_id: 'task-stall' });
      await eventsOf(job.id, ['job_queued', 'job_started']);
      // The worker dies without finishing: no lock renewal from now on.
      await first.close(true);
      worker(async () => 'second time lucky', settings);
      const events = await eventsOf(job.id, [
        'job_queued',
        'job_started',
        'job_stalled',
        'job_started',
        'job_completed',
      ]);
      expect(events[2]).toMatchObject({ level: 'WARNING', status: 'stalled', attempt: 1 });
      expect(events[3]).toMatchObject({ attempt: 2, run_id: `${queueName}:${job.id}:2` });
      expect(events[4]).toMatchObject({ attempt: 2, result: 'second time lucky' });
    });

    it('resumes after a restart of the app: transitions while it was down are recorded once', async () => {
      const app = await startApp();
      worker(async () => 'ok', { concurrency: 8 });
      const before = await producer.addBulk(
        Array.from({ length: 20 }, (_, i) => ({ name: 'a', data: { task_id: `before-${i}` } })),
      );
      await until(() => before.every((j) => ofJob(j.id).length === 3) || undefined);
      await stopApp(app);
      const during = await producer.addBulk(
        Array.from({ length: 20 }, (_, i) => ({ name: 'b', data: { task_id: `during-${i}` } })),
      );
      await until(async () => (await producer.getCompletedCount()) === 40 || undefined);
      await startApp();
      const after = await producer.addBulk(
        Array.from({ length: 20 }, (_, i) => ({ name: 'c', data: { task_id: `after-${i}` } })),
      );
      for (const job of [...before, ...during, ...after]) {
        await eventsOf(job.id, ['job_queued', 'job_started', 'job_completed']);
      }
      // Nothing twice: every stream entry was logged once.
      const ids = logged().map((e) => `${e['bullmq_event_id']}/${e.event}`);
      expect(new Set(ids).size).toBe(ids.length);
      expect(logged()).toHaveLength(180);
    });

    it('resumes after the later of its Redis key and its own log (a crash between the two)', async () => {
      const key = `bull:${queueName}:orchestrator-events:o-glm`;
      let app = await startApp();
      worker(async () => 'ok');
      const first = await producer.add('a', {});
      await eventsOf(first.id, ['job_queued', 'job_started', 'job_completed']);
      await stopApp(app);
      // As if the app died after writing the events but before storing the key: the log wins.
      await admin.set(key, '0-0');
      app = await startApp();
      const second = await producer.add('b', {});
      await eventsOf(second.id, ['job_queued', 'job_started', 'job_completed']);
      expect(ofJob(first.id)).toHaveLength(3);
      await stopApp(app);
      // As if the log had been rotated away (a new file): the key wins, nothing is logged again.
      fs.renameSync(logFile(), `${logFile()}.old`);
      app = await startApp();
      const third = await producer.add('c', {});
      await eventsOf(third.id, ['job_queued', 'job_started', 'job_completed']);
      expect(logged().map((e) => e['job_id'])).toEqual([third.id, third.id, third.id]);
    });

    it('stores its cursor next to the queue, per orch id', async () => {
      const app = await startApp();
      worker(async () => 'ok');
      const job = await producer.add('a', {});
      const [, , done] = await eventsOf(job.id, ['job_queued', 'job_started', 'job_completed']);
      const key = `bull:${queueName}:orchestrator-events:o-glm`;
      await until(async () => (await admin.get(key)) === done['bullmq_event_id'] || undefined);
      await stopApp(app);
    });
  },
);
