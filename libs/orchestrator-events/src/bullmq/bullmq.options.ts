import { OptionProblems } from '../lib/options/option-problems';
import { bad, integerIn, ok, Read } from '../lib/options/option-readers';
import { BULLMQ_MESSAGES as M } from './bullmq.messages';
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

function readQueues(value: unknown): Read<readonly string[]> {
  return Array.isArray(value) &&
    value.every((q) => typeof q === 'string' && q.length > 0 && !q.includes(':'))
    ? ok([...new Set(value as string[])])
    : bad(M.queues);
}

function readConnection(value: unknown): Read<string | object> {
  return typeof value === 'string' || (typeof value === 'object' && value !== null)
    ? ok(value)
    : bad(M.connection);
}

function readPrefix(value: unknown): Read<string> {
  return typeof value === 'string' && value.length > 0 ? ok(value) : bad(M.prefix);
}

/** `keyword`, `{ dataField }` with a non-empty field, or a function. */
function readIdSource<T>(keyword: string): (value: unknown) => Read<T> {
  return (value) => {
    const field = (value as { dataField?: unknown } | null)?.dataField;
    return value === keyword ||
      typeof value === 'function' ||
      (typeof field === 'string' && field.length > 0)
      ? ok(value as T)
      : bad(M.idSource(keyword));
  };
}

/**
 * Defaults and validation; every bad value at once in one `OrchestratorEventsConfigError`, each
 * naming the option, the value and what is allowed.
 */
export function resolveBullMQOptions(
  options: OrchestratorEventsBullMQOptions,
): ResolvedBullMQOptions {
  const problems = new OptionProblems();
  const at = (name: string) => `bullmq option ${name}`;
  const resolved: ResolvedBullMQOptions = {
    // Required: unset is a problem too.
    queues: problems.read(at('queues'), options.queues ?? null, [], readQueues),
    connection: problems.read(
      at('connection'),
      options.connection,
      'redis://127.0.0.1:6379',
      readConnection,
      String(options.connection),
    ),
    prefix: problems.read(at('prefix'), options.prefix, 'bull', readPrefix),
    taskId: problems.read<BullMQTaskIdSource>(
      at('taskId'),
      options.taskId,
      { dataField: 'task_id' },
      readIdSource('jobId'),
    ),
    runId: problems.read<BullMQRunIdSource>(
      at('runId'),
      options.runId,
      'attempt',
      readIdSource('attempt'),
    ),
    maxValueBytes: problems.read(
      at('maxValueBytes'),
      options.maxValueBytes,
      1024,
      integerIn(16, 1024 * 1024),
    ),
    fetchConcurrency: problems.read(
      at('fetchConcurrency'),
      options.fetchConcurrency,
      8,
      integerIn(1, 256),
    ),
  };
  problems.throwIfAny();
  return resolved;
}
