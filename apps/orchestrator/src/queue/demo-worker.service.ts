import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { EventLogger } from '@orchestrator/events';
import { BullMQJobContext } from '@orchestrator/events/bullmq';
import { Job, Worker } from 'bullmq';
import Redis from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_REDIS, DemoRedis } from './demo-redis';

/** How long shutdown waits for jobs in flight before closing the worker regardless. */
const CLOSE_WAIT_MS = 2000;

/** `value` when it is an integer within [min, max], else `fallback`. */
function bounded(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
    ? value
    : fallback;
}

/**
 * The worker of the `orchestrator-demo` queue (`DEMO_QUEUE`): any producer may add jobs to it, with data like the
 * demo's own jobs (`{ steps?, step_ms?, fail_at_step?, task_id? }`, anything else defaulted).
 * Each job reports its progress and logs one `job_step` per step, with the job's task and run ids
 * (`BullMQJobContext`); its queued/started/progress/completed/failed events are recorded by
 * `OrchestratorEventsBullMQModule`, with no code here.
 */
@Injectable()
export class DemoWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker: Worker | undefined;
  private connection: Redis | undefined;
  private readonly logger = new Logger('DemoQueue');

  constructor(
    @Inject(DEMO_REDIS) private readonly redis: DemoRedis,
    private readonly events: EventLogger,
    private readonly jobContext: BullMQJobContext,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.redis.up) {
      this.logger.log(
        `BullMQ demo skipped: no Redis answers at ${this.redis.url} (set REDIS_URL or start redis-server to record the "${this.redis.queue}" queue)`,
      );
      return;
    }
    // BullMQ's rule for worker connections: commands wait for a reconnection instead of failing.
    this.connection = new Redis(this.redis.url, { maxRetriesPerRequest: null });
    this.connection.on('error', () => undefined);
    this.worker = new Worker(
      this.redis.queue,
      this.jobContext.wrap((job: Job) => this.process(job)),
      { connection: this.connection, concurrency: 4 },
    );
    let lastError = '';
    this.worker.on('error', (err) => {
      if (err.message !== lastError) this.logger.warn(`worker: ${(lastError = err.message)}`);
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    if (worker === undefined) return;
    // Bounded: after a Redis restart BullMQ's close can wait on a connection for good, and a
    // second close(true) would only return the same promise. Jobs cut short here go back to
    // waiting (stalled) and run again on the next worker.
    await Promise.race([worker.close().catch(() => undefined), sleep(CLOSE_WAIT_MS)]);
    this.connection?.disconnect();
  }

  private async process(job: Job): Promise<{ steps_done: number }> {
    const data = (job.data ?? {}) as Record<string, unknown>;
    const steps = bounded(data['steps'], 1, 100, 3);
    const stepMs = bounded(data['step_ms'], 0, 10_000, 200);
    const failAt = bounded(data['fail_at_step'], 1, steps, 0);
    for (let step = 1; step <= steps; step++) {
      await sleep(stepMs);
      if (step === failAt) throw new Error(`step ${step} of ${steps} failed`);
      this.events.info('job_step', { step, steps, queue: this.redis.queue });
      await job.updateProgress(Math.round((step / steps) * 100));
    }
    return { steps_done: steps };
  }
}
