import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { EventLogger } from '../lib/write/event-logger.service';
import { EventHistory } from '../lib/history/event-history.service';
import { ORCH_EVENTS_BULLMQ_OPTIONS } from './bullmq.module-definition';
import { ResolvedBullMQOptions } from './bullmq.options';
import { captureConnection, loadBullMQ } from './bullmq.peer';
import { JobIdDeriver } from './job-ids';
import { QueueCapture } from './queue-capture';

/** How long the app's start waits for the captures to be reading; beyond, they go on starting. */
const START_WAIT_MS = 5000;
/** How long shutdown waits for the captures to store their cursors (Redis may be down). */
const CLOSE_WAIT_MS = 3000;

/**
 * Starts a `QueueCapture` per configured queue when the app starts and stops them, cursors
 * stored, before the app's shutdown hooks (so before the logger writes `orchestrator_stopped`).
 * `bullmq` and `ioredis` are loaded here, only when there are queues to record: a missing one is
 * a startup error naming it.
 */
@Injectable()
export class BullMQEventCapture implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly captures: QueueCapture[] = [];
  private readonly redis: { client: Redis; owned: boolean } | undefined;
  private readonly diagnostics = new Logger('BullMQCapture');

  constructor(
    @Inject(ORCH_EVENTS_BULLMQ_OPTIONS) options: ResolvedBullMQOptions,
    events: EventLogger,
    history: EventHistory,
  ) {
    if (options.queues.length === 0) return;
    const bullmq = loadBullMQ();
    this.redis = captureConnection(options.connection);
    this.redis.client.on('error', () => undefined); // reported by the captures, once per problem
    const ids = new JobIdDeriver(options.taskId, options.runId);
    for (const queue of options.queues) {
      this.captures.push(
        new QueueCapture(queue, bullmq, this.redis.client, options, events, history, ids),
      );
    }
  }

  /**
   * Waits (up to 5 s) until every queue is being read, so that a first start records the jobs
   * added once the app is up; with Redis unreachable the app starts anyway and the captures start
   * when it answers.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (this.captures.length === 0) return;
    const started = Promise.all(
      this.captures.map((capture) =>
        capture.start().catch((err: Error) => {
          if (!capture.isClosing) this.diagnostics.error(`could not start: ${err.message}`);
        }),
      ),
    );
    const timer = new Promise<'late'>((resolve) =>
      setTimeout(() => resolve('late'), START_WAIT_MS).unref(),
    );
    if ((await Promise.race([started, timer])) === 'late') {
      this.diagnostics.warn(
        `Redis did not answer within ${START_WAIT_MS} ms: the capture starts when it does`,
      );
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.captures.length === 0) return;
    const closed = Promise.all(this.captures.map((capture) => capture.close()));
    await Promise.race([closed, new Promise((r) => setTimeout(r, CLOSE_WAIT_MS).unref())]);
    if (this.redis?.owned) this.redis.client.disconnect();
  }
}
