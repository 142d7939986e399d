import { Inject, Injectable } from '@nestjs/common';
import { EventContext } from '../lib/event/event-context';
import { EventLogger } from '../lib/write/event-logger.service';
import { ORCH_EVENTS_BULLMQ_OPTIONS } from './bullmq.module-definition';
import { ResolvedBullMQOptions } from './bullmq.options';
import { BullMQRunIdSource, BullMQTaskIdSource, JobIdDeriver } from './job-ids';

/**
 * The fields of a BullMQ `Job` the ids come from (structural: a `Job` of BullMQ 5 or 6 fits, and
 * the library's types need no BullMQ to compile).
 */
export interface BullMQJobLike {
  id?: string;
  name: string;
  data: unknown;
  queueName: string;
  /** This attempt's number, from 1, in a processor (BullMQ 5.9+); else `attemptsMade + 1`. */
  attemptsStarted?: number;
  attemptsMade: number;
}

function contextOf(ids: JobIdDeriver, job: BullMQJobLike): EventContext {
  const ref = { queue: job.queueName, id: String(job.id ?? ''), name: job.name, data: job.data };
  const attempt = job.attemptsStarted || job.attemptsMade + 1;
  const { task_id, run_id } = ids.idsOf(ref, attempt);
  return run_id === undefined ? { task_id } : { task_id, run_id };
}

/**
 * Runs processors so that what they log carries their job's `task_id` and `run_id`, derived as
 * the captured `job_*` events derive them (same `taskId` / `runId` options). Provided by
 * `OrchestratorEventsBullMQModule`:
 *
 * ```ts
 * new Worker('render', jobContext.wrap(async (job) => { events.info('frame_done', { frame }); }));
 * // @nestjs/bullmq: process(job) { return this.jobContext.run(job, () => this.render(job)); }
 * ```
 */
@Injectable()
export class BullMQJobContext {
  private readonly ids: JobIdDeriver;

  constructor(
    private readonly events: EventLogger,
    @Inject(ORCH_EVENTS_BULLMQ_OPTIONS) options: ResolvedBullMQOptions,
  ) {
    this.ids = new JobIdDeriver(options.taskId, options.runId);
  }

  /** Runs `fn` (and everything it awaits) under the job's ids. */
  run<T>(job: BullMQJobLike, fn: () => T): T {
    return this.events.withContext(contextOf(this.ids, job), fn);
  }

  /** `processor`, run under its job's ids: for `new Worker(queue, processor)`. */
  wrap<J extends BullMQJobLike, A extends unknown[], R>(
    processor: (job: J, ...rest: A) => R,
  ): (job: J, ...rest: A) => R {
    return (job, ...rest) => this.run(job, () => processor(job, ...rest));
  }
}

/**
 * `BullMQJobContext.wrap` without Nest's injector (a worker started outside a module): `events`
 * is the app's `EventLogger`, `options` the same `taskId` / `runId` as the capture's (defaults
 * alike).
 */
export function withJobContext<J extends BullMQJobLike, A extends unknown[], R>(
  events: EventLogger,
  processor: (job: J, ...rest: A) => R,
  options: { taskId?: BullMQTaskIdSource; runId?: BullMQRunIdSource } = {},
): (job: J, ...rest: A) => R {
  const ids = new JobIdDeriver(
    options.taskId ?? { dataField: 'task_id' },
    options.runId ?? 'attempt',
  );
  return (job, ...rest) => events.withContext(contextOf(ids, job), () => processor(job, ...rest));
}
