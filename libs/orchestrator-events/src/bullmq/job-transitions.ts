import { EventInput } from '@orchestrator/events-contract';
import { BullMQJobRef, JobIdDeriver } from './job-ids';
import { JobAttempts, requeueKind } from './job-attempts';
import { QueueEventEntry } from './queue-event-entry';
import { streamIdMs } from './stream-id';

/** What the capture reads of a job from Redis when the stream does not say enough. */
export interface JobSnapshot {
  ref: BullMQJobRef;
  attemptsStarted: number;
  attemptsMade: number;
  /** `opts.attempts` (1 when unset). */
  maxAttempts: number;
  failedReason: string | undefined;
  /** One stack per failed attempt, oldest first (unless the job limits `stackTraceLimit`). */
  stacktrace: readonly string[];
  processedOn: number | undefined;
  finishedOn: number | undefined;
}

/** One entry being mapped: what every step reads. */
interface Step {
  entry: QueueEventEntry;
  next: QueueEventEntry | undefined;
  jobId: string;
  job: JobSnapshot | undefined;
  /** The ids and common fields of an event of `attempt`. */
  at: (attempt: number) => Record<string, unknown>;
}

/**
 * Turns a queue's QueueEvents entries, in stream order, into orchestrator events:
 *
 * | entry                                   | event           | status    | level   |
 * |-----------------------------------------|-----------------|-----------|---------|
 * | `added`                                 | `job_queued`    | queued    | INFO    |
 * | `active`                                | `job_started`   | running   | INFO    |
 * | `progress`                              | `job_progress`  | running   | INFO    |
 * | `completed`                             | `job_completed` | success   | INFO    |
 * | `failed` (no attempt left)              | `job_failed`    | failed    | ERROR   |
 * | active -> `waiting`/`delayed` (a retry) | `job_failed` + `job_retrying` | failed, queued | ERROR, INFO |
 * | `stalled`                               | `job_stalled`   | stalled   | WARNING |
 *
 * BullMQ writes no `failed` entry for an attempt that will be retried, only the job's move back to
 * waiting (or delayed, with a backoff); the job's `attemptsMade` says whether that move followed a
 * failure (it counts failures) or the processor's own move (rate limit, `DelayedError`), which
 * gives `job_retrying` alone.
 */
export class JobTransitions {
  readonly attempts = new JobAttempts();

  constructor(
    private readonly queue: string,
    private readonly ids: JobIdDeriver,
    private readonly maxValueBytes: number,
  ) {}

  /**
   * Whether mapping `entry` needs the job's current hash (`attemptsMade`, `failedReason`, times),
   * beyond the data read once per job: its value may have changed since the entry was written, so
   * it is read afresh.
   */
  needsFreshJob(entry: QueueEventEntry, next: QueueEventEntry | undefined): boolean {
    const jobId = entry.jobId;
    if (jobId === undefined) return false;
    const track = this.attempts.get(jobId);
    switch (entry.event) {
      case 'active':
        return track === undefined;
      case 'completed':
        return track?.activeSince === undefined;
      case 'failed':
        return !(next?.event === 'retries-exhausted' && next.jobId === jobId);
      default:
        return requeueKind(entry, next, track) === 'failed';
    }
  }

  /**
   * The events for `entry` (none for entries that are no job transition): one step per
   * `QueueEvents` event, so the mapping reads as the table above.
   */
  map(
    entry: QueueEventEntry,
    next: QueueEventEntry | undefined,
    ref: BullMQJobRef,
    job: JobSnapshot | undefined,
  ): EventInput[] {
    const jobId = entry.jobId;
    if (jobId === undefined) return [];
    const common = {
      queue: this.queue,
      job_id: jobId,
      job_name: ref.name,
      bullmq_event_id: entry.id,
    };
    const at = (attempt: number) => ({ ...this.ids.idsOf(ref, attempt), ...common, attempt });
    const step: Step = { entry, next, jobId, job, at };
    switch (entry.event) {
      case 'added':
        return [this.queued(step, { ...this.ids.idsOf(ref, 0), ...common })];
      case 'active':
        return [this.started(step)];
      case 'progress':
        return [this.progressed(step)];
      case 'completed':
        return [this.completed(step)];
      case 'failed':
        return [this.failed(step)];
      case 'stalled':
        return [this.stalled(step)];
      case 'removed':
        this.attempts.forget(jobId);
        return [];
      default:
        return this.requeued(entry, next, at, job);
    }
  }

  /** `added`: `job_queued`, before any attempt (attempt 0). */
  private queued({ jobId, job }: Step, ids: Record<string, unknown>): EventInput {
    this.attempts.ensure(jobId);
    const queued: EventInput = { event: 'job_queued', status: 'queued', ...ids };
    if (job !== undefined) queued['max_attempts'] = job.maxAttempts;
    return queued;
  }

  /** `active`: the next attempt starts (counted from the job when its `added` was not seen). */
  private started({ entry, jobId, job, at }: Step): EventInput {
    const track = this.attempts.ensure(jobId, () => ({
      attempt: Math.max(0, (job?.attemptsStarted ?? 1) - 1),
      made: job?.attemptsMade ?? 0,
    }));
    track.attempt++;
    track.activeSince = entry.id;
    return { event: 'job_started', status: 'running', ...at(track.attempt) };
  }

  /** `progress`: the value the processor reported, bounded. */
  private progressed({ entry, jobId, job, at }: Step): EventInput {
    const attempt = this.attempts.get(jobId)?.attempt ?? job?.attemptsStarted ?? 0;
    return {
      event: 'job_progress',
      status: 'running',
      ...at(attempt),
      ...this.bounded('progress', entry.args['data']),
    };
  }

  /** `completed`: the attempt's duration and its bounded result. */
  private completed({ entry, jobId, job, at }: Step): EventInput {
    const track = this.attempts.get(jobId);
    this.attempts.forget(jobId);
    const done: EventInput = {
      event: 'job_completed',
      status: 'success',
      ...at(track?.attempt ?? job?.attemptsStarted ?? 1),
    };
    const duration = this.duration(entry, track?.activeSince, job);
    if (duration !== undefined) done['duration_ms'] = duration;
    const result = entry.args['returnvalue'];
    if (result !== undefined && result !== null)
      Object.assign(done, this.bounded('result', result));
    return done;
  }

  /** `failed`: BullMQ writes it only for the last attempt (a retried one is a requeue). */
  private failed({ entry, next, jobId, job, at }: Step): EventInput {
    const track = this.attempts.get(jobId);
    this.attempts.forget(jobId);
    const exhausted = next?.event === 'retries-exhausted' && next.jobId === jobId;
    const made = exhausted
      ? Number(next.args['attemptsMade'])
      : (job?.attemptsMade ?? (track ? track.made + 1 : undefined));
    const failed: EventInput = {
      event: 'job_failed',
      level: 'ERROR',
      status: 'failed',
      ...at(track?.attempt ?? job?.attemptsStarted ?? 1),
      error: { message: String(entry.args['failedReason'] ?? '') },
      will_retry: false,
    };
    if (made !== undefined && Number.isFinite(made)) failed['attempts_made'] = made;
    if (job !== undefined) failed['max_attempts'] = job.maxAttempts;
    const duration = this.duration(entry, track?.activeSince, job);
    if (duration !== undefined) failed['duration_ms'] = duration;
    return failed;
  }

  /** `stalled`: the attempt stops counting as active; the job waits again. */
  private stalled({ jobId, job, at }: Step): EventInput {
    const track = this.attempts.get(jobId);
    if (track !== undefined) track.activeSince = undefined;
    return {
      event: 'job_stalled',
      level: 'WARNING',
      status: 'stalled',
      ...at(track?.attempt ?? job?.attemptsStarted ?? 1),
      message: 'the worker stopped renewing the job lock; the job goes back to waiting',
    };
  }

  /** An attempt that ended with the job going back to waiting or delayed. */
  private requeued(
    entry: QueueEventEntry,
    next: QueueEventEntry | undefined,
    at: (attempt: number) => Record<string, unknown>,
    job: JobSnapshot | undefined,
  ): EventInput[] {
    const jobId = entry.jobId as string;
    const track = this.attempts.get(jobId);
    const kind = requeueKind(entry, next, track);
    // A stall's `waiting` entry is told by the `stalled` entry right after it.
    if (kind === undefined || kind === 'stalled') return [];
    const attempt = track?.attempt ?? job?.attemptsStarted ?? 1;
    const activeSince = track?.activeSince;
    const failedNow =
      job === undefined
        ? true
        : track === undefined
          ? job.failedReason !== undefined
          : job.attemptsMade > track.made;
    const failure = track === undefined ? undefined : track.made + 1;
    if (track !== undefined) {
      track.activeSince = undefined;
      if (failedNow) track.made++;
    }
    const retrying: EventInput = {
      event: 'job_retrying',
      status: 'queued',
      ...at(attempt + 1),
      reason: failedNow ? 'failed' : 'moved back by the processor',
    };
    if (entry.event === 'delayed') {
      const until = Number(entry.args['delay']);
      if (Number.isFinite(until)) retrying['delay_ms'] = Math.max(0, until - streamIdMs(entry.id));
    }
    if (!failedNow) return [retrying];
    const failed: EventInput = {
      event: 'job_failed',
      level: 'ERROR',
      status: 'failed',
      ...at(attempt),
      error: { message: failureMessage(job, failure) },
      will_retry: true,
    };
    if (track !== undefined) failed['attempts_made'] = track.made;
    else if (job !== undefined) failed['attempts_made'] = job.attemptsMade;
    if (job !== undefined) failed['max_attempts'] = job.maxAttempts;
    const duration = this.duration(entry, activeSince, job);
    if (duration !== undefined) failed['duration_ms'] = duration;
    return [failed, retrying];
  }

  /** From the attempt's `active` entry to this one (both stamped by Redis), else the job's times. */
  private duration(
    entry: QueueEventEntry,
    activeSince: string | undefined,
    job: JobSnapshot | undefined,
  ): number | undefined {
    if (activeSince !== undefined) return streamIdMs(entry.id) - streamIdMs(activeSince);
    if (job?.processedOn !== undefined && job.finishedOn !== undefined) {
      return job.finishedOn - job.processedOn;
    }
    return undefined;
  }

  /** `{ [field]: value }`, or a cut JSON preview and `<field>_truncated` past `maxValueBytes`. */
  private bounded(field: string, value: unknown): Record<string, unknown> {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch {
      text = undefined;
    }
    if (text === undefined) return {};
    if (Buffer.byteLength(text) <= this.maxValueBytes) return { [field]: value };
    return {
      [field]: `${Buffer.from(text)
        .subarray(0, this.maxValueBytes)
        .toString()
        .replace(/\uFFFD$/, '')}…`,
      [`${field}_truncated`]: true,
    };
  }
}

/**
 * The message of the job's `failure`-th failed attempt. Its `failedReason` holds the latest one:
 * it is this attempt's as long as no later attempt has ended (`attemptsMade` still counts this
 * one last); else the attempt's stack, one per failure, gives it (its first line, `Error: msg`).
 */
function failureMessage(job: JobSnapshot | undefined, failure: number | undefined): string {
  if (job === undefined) return '';
  if (failure === undefined || job.attemptsMade <= failure) return job.failedReason ?? '';
  const stack = job.stacktrace[failure - 1];
  if (typeof stack !== 'string') return job.failedReason ?? '';
  const firstLine = stack.split('\n', 1)[0];
  return firstLine.replace(/^[A-Za-z_$][\w$]*: /, '');
}
