import { OrchestratorEventsConfigError } from '../lib/options/orchestrator-events.options';
import { BullMQRunIdSource, BullMQTaskIdSource } from './job-ids';

/**
 * Options of `OrchestratorEventsBullMQModule.forRoot()`: which queues to record and how their jobs'
 * events are named. Needs the optional peers `bullmq` and `ioredis`.
 */
export interface OrchestratorEventsBullMQOptions {
  /** Names of the queues whose jobs are recorded. Required; an empty list records nothing. */
  queues: readonly string[];
  /**
   * The queues' Redis: a `redis://` URL, ioredis options (`{ host, port, ... }`) or an ioredis
   * client (used as is for reads, duplicated for the blocking stream read). Default
   * `redis://127.0.0.1:6379`.
   */
  connection?: string | object;
  /** BullMQ's key prefix of the queues (`new Queue(name, { prefix })`). Default `bull`. */
  prefix?: string;
  /**
   * Where `task_id` comes from: `{ dataField }`, `'jobId'` (`<queue>:<job id>`) or a function of
   * the job (see `BullMQTaskIdSource`). Default `{ dataField: 'task_id' }`: `job.data.task_id`
   * when the producer set it, else `<queue>:<job id>`.
   */
  taskId?: BullMQTaskIdSource;
  /**
   * Where `run_id` comes from: `'attempt'` (`<queue>:<job id>:<attempt>`, one run per try),
   * `{ dataField }` or a function of the job and attempt (see `BullMQRunIdSource`). Default
   * `'attempt'`.
   */
  runId?: BullMQRunIdSource;
  /**
   * Largest `result` (return value) or `progress` value kept in an event, in bytes of JSON; a
   * larger one becomes a cut JSON preview with `result_truncated: true`. Default 1024.
   */
  maxValueBytes?: number;
  /** Jobs read from Redis at once (for their data) while catching up on a burst. Default 8. */
  fetchConcurrency?: number;
}

/** The options with defaults applied and checked. */
export interface ResolvedBullMQOptions {
  queues: readonly string[];
  connection: string | object;
  prefix: string;
  taskId: BullMQTaskIdSource;
  runId: BullMQRunIdSource;
  maxValueBytes: number;
  fetchConcurrency: number;
}

function integer(value: unknown, setting: string, fallback: number, min: number, max: number) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new OrchestratorEventsConfigError(
      setting,
      value,
      `expected an integer from ${min} to ${max}`,
    );
  }
  return value;
}

function idSource(value: unknown, setting: string, keyword: string): void {
  if (value === undefined || value === keyword || typeof value === 'function') return;
  const field = (value as { dataField?: unknown } | null)?.dataField;
  if (typeof field === 'string' && field.length > 0) return;
  throw new OrchestratorEventsConfigError(
    setting,
    value,
    `expected '${keyword}', { dataField: '<field of job.data>' } or a function`,
  );
}

/** Defaults and validation; `OrchestratorEventsConfigError` names the first bad option. */
export function resolveBullMQOptions(
  options: OrchestratorEventsBullMQOptions,
): ResolvedBullMQOptions {
  const queues = options.queues as unknown;
  if (
    !Array.isArray(queues) ||
    queues.some((q) => typeof q !== 'string' || q.length === 0 || q.includes(':'))
  ) {
    throw new OrchestratorEventsConfigError(
      'bullmq option queues',
      queues,
      'expected an array of queue names (non-empty, without ":")',
    );
  }
  const connection = options.connection ?? 'redis://127.0.0.1:6379';
  if (typeof connection !== 'string' && (typeof connection !== 'object' || connection === null)) {
    throw new OrchestratorEventsConfigError(
      'bullmq option connection',
      String(connection),
      'expected a redis:// URL, ioredis options or an ioredis client',
    );
  }
  const prefix = options.prefix ?? 'bull';
  if (typeof prefix !== 'string' || prefix.length === 0) {
    throw new OrchestratorEventsConfigError(
      'bullmq option prefix',
      prefix,
      'expected a non-empty string',
    );
  }
  idSource(options.taskId, 'bullmq option taskId', 'jobId');
  idSource(options.runId, 'bullmq option runId', 'attempt');
  return {
    queues: [...new Set(queues as string[])],
    connection,
    prefix,
    taskId: options.taskId ?? { dataField: 'task_id' },
    runId: options.runId ?? 'attempt',
    maxValueBytes: integer(
      options.maxValueBytes,
      'bullmq option maxValueBytes',
      1024,
      16,
      1024 * 1024,
    ),
    fetchConcurrency: integer(
      options.fetchConcurrency,
      'bullmq option fetchConcurrency',
      8,
      1,
      256,
    ),
  };
}
