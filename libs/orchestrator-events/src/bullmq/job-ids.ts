import { ENTITY_ID_PATTERN } from '@orchestrator/events-contract';

/** A job as the id options see it: plain values, the same whatever the BullMQ version. */
export interface BullMQJobRef {
  /** The queue's name. */
  queue: string;
  /** The job's id. */
  id: string;
  /** The job's name (`queue.add(name, data)`). */
  name: string;
  /** The job's data, as BullMQ stored it. */
  data: unknown;
}

/**
 * Where a job's `task_id` comes from:
 * - `{ dataField: 'x' }`: `job.data.x` (a string or number);
 * - `'jobId'`: `<queue>:<job id>` (job ids repeat across queues);
 * - a function of the job: what it returns.
 * Whatever gives no id falls back to `<queue>:<job id>`.
 */
export type BullMQTaskIdSource =
  'jobId' | { dataField: string } | ((job: BullMQJobRef) => string | undefined);

/**
 * Where the `run_id` of an attempt's events comes from:
 * - `'attempt'`: `<queue>:<job id>:<attempt>`, the attempt counted from 1 like BullMQ's
 *   `attemptsStarted` (a stalled attempt counts), so each try of a job is its own run;
 * - `{ dataField: 'x' }`: `job.data.x`, the same for every attempt;
 * - a function of the job and the attempt (0 for `job_queued`): what it returns.
 * Whatever gives no id falls back to `'attempt'`; `job_queued` (no attempt yet) then has no run_id.
 */
export type BullMQRunIdSource =
  'attempt' | { dataField: string } | ((job: BullMQJobRef, attempt: number) => string | undefined);

/** The ids a job's events carry. */
export interface JobIds {
  task_id: string;
  run_id?: string;
}

const MAX_ID = 128;

/** A valid `task_id`/`run_id` from any string: characters outside `[A-Za-z0-9._:-]` become `_`. */
export function entityId(value: string): string | undefined {
  if (ENTITY_ID_PATTERN.test(value)) return value;
  const cleaned = value.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, MAX_ID);
  return cleaned.length > 0 ? cleaned : undefined;
}

function dataField(data: unknown, field: string): string | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const value = (data as Record<string, unknown>)[field];
  return typeof value === 'string' || typeof value === 'number'
    ? entityId(String(value))
    : undefined;
}

/** Derives a job's ids the same way for the captured events and inside its processor. */
export class JobIdDeriver {
  constructor(
    private readonly taskId: BullMQTaskIdSource,
    private readonly runId: BullMQRunIdSource,
  ) {}

  taskIdOf(job: BullMQJobRef): string {
    const source = this.taskId;
    let id: string | undefined;
    if (typeof source === 'function') {
      const value = source(job);
      id = typeof value === 'string' ? entityId(value) : undefined;
    } else if (source !== 'jobId') {
      id = dataField(job.data, source.dataField);
    }
    return id ?? entityId(`${job.queue}:${job.id}`) ?? 'job';
  }

  /** The run id of `attempt` (0: the job is not running yet). */
  runIdOf(job: BullMQJobRef, attempt: number): string | undefined {
    const source = this.runId;
    let id: string | undefined;
    if (typeof source === 'function') {
      const value = source(job, attempt);
      id = typeof value === 'string' ? entityId(value) : undefined;
    } else if (source !== 'attempt') {
      id = dataField(job.data, source.dataField);
    }
    if (id !== undefined) return id;
    return attempt > 0 ? entityId(`${job.queue}:${job.id}:${attempt}`) : undefined;
  }

  idsOf(job: BullMQJobRef, attempt: number): JobIds {
    const ids: JobIds = { task_id: this.taskIdOf(job) };
    const run = this.runIdOf(job, attempt);
    if (run !== undefined) ids.run_id = run;
    return ids;
  }
}
