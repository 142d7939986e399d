import { QueueEventEntry } from './queue-event-entry';

/** What the stream told so far of one job that has not finished. */
export interface JobTrack {
  /** `active` entries seen: the number of the current (or last) attempt, like `attemptsStarted`. */
  attempt: number;
  /** Stream id of the running attempt's `active` entry; `undefined` while the job waits. */
  activeSince: string | undefined;
  /** Attempts ended by a failure or completion, like `attemptsMade` (a stall does not count). */
  made: number;
}

/** How an attempt that went from active back to waiting or delayed ended. */
export type Requeue = 'stalled' | 'failed' | 'moved';

/**
 * Per-job attempt state, built from the QueueEvents stream in its order: so `attempt` and
 * `duration_ms` come from the transitions themselves, not from the job's hash read later (by
 * which time the job may be on its next attempt). Jobs leave it when they finish; past `max` jobs
 * in flight, the oldest are forgotten (their later events fall back to the job's hash).
 */
export class JobAttempts {
  private readonly jobs = new Map<string, JobTrack>();

  constructor(private readonly max = 100_000) {}

  get(jobId: string): JobTrack | undefined {
    return this.jobs.get(jobId);
  }

  /** The job's track, created as "queued, never started" (or from `fallback`) if unknown. */
  ensure(jobId: string, fallback?: () => Partial<JobTrack>): JobTrack {
    let track = this.jobs.get(jobId);
    if (track === undefined) {
      track = { attempt: 0, activeSince: undefined, made: 0, ...fallback?.() };
      this.jobs.set(jobId, track);
      if (this.jobs.size > this.max) {
        const oldest = this.jobs.keys().next().value as string;
        this.jobs.delete(oldest);
      }
    }
    return track;
  }

  forget(jobId: string): void {
    this.jobs.delete(jobId);
  }

  get size(): number {
    return this.jobs.size;
  }

  /**
   * Replays already-processed entries (the stream before the cursor, at startup) so that jobs in
   * flight keep their attempt numbers across a restart. Nothing is logged. An attempt that went
   * back to waiting counts as failed here (the job's hash, which tells, is not read for history).
   */
  replay(entries: readonly QueueEventEntry[]): void {
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      const jobId = entry.jobId;
      if (jobId === undefined) continue;
      const next = entries[i + 1];
      switch (entry.event) {
        case 'added':
          this.ensure(jobId);
          break;
        case 'active': {
          const track = this.ensure(jobId);
          track.attempt++;
          track.activeSince = entry.id;
          break;
        }
        case 'completed':
        case 'failed':
        case 'removed':
          this.forget(jobId);
          break;
        default: {
          const requeue = requeueKind(entry, next, this.jobs.get(jobId));
          if (requeue === undefined) break;
          const track = this.ensure(jobId);
          track.activeSince = undefined;
          if (requeue !== 'stalled') track.made++;
        }
      }
    }
  }
}

/**
 * Whether `entry` ends a running attempt without finishing the job, and how far that can be told
 * from the stream: `stalled` (the `waiting` entry that a stall writes is followed by `stalled`, in
 * the same script, so in the same read), else `failed` for now (a retry after a failure, or the
 * processor moving its job back: the job's `attemptsMade` tells them apart). `undefined` when the
 * entry is no such transition.
 */
export function requeueKind(
  entry: QueueEventEntry,
  next: QueueEventEntry | undefined,
  track: JobTrack | undefined,
): Requeue | undefined {
  if (entry.event === 'stalled') return 'stalled';
  const fromActive =
    (entry.event === 'waiting' && entry.args['prev'] === 'active') ||
    (entry.event === 'delayed' && track?.activeSince !== undefined);
  if (!fromActive) return undefined;
  if (next?.event === 'stalled' && next.jobId === entry.jobId) return 'stalled';
  return 'failed';
}
