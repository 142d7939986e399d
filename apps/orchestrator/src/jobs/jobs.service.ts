import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { EventLogger } from '@orchestrator/events';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/** What a demo job does: `steps` steps of `step_ms` each, failing at `fail_at_step` if given. */
export interface JobSpec {
  steps: number;
  step_ms: number;
  fail_at_step?: number;
  task_id?: string;
}

/** The ids a started job is known by. */
export interface JobHandle {
  task_id: string;
  run_id: string;
}

/** Why a job stopped before its end: the app is shutting down. */
export class JobInterruptedError extends Error {
  constructor() {
    super('shutdown');
    this.name = 'JobInterruptedError';
  }
}

/**
 * The demo orchestrator: runs jobs in the background and records their life through `EventLogger`:
 * `job_started`, one `job_step` per step, then `job_completed` or `job_failed`. On shutdown, jobs in
 * flight stop at their next step and end with `job_failed` (`error.message` "shutdown"), so no run
 * is left looking as if it were still running.
 */
@Injectable()
export class JobsService implements BeforeApplicationShutdown {
  private readonly running = new Set<Promise<unknown>>();
  /**
   * One per job in flight: each step's sleep listens on its job's signal. A signal shared by every
   * job carried one listener per job and warned (MaxListenersExceededWarning) past 10 jobs.
   */
  private readonly stops = new Set<AbortController>();
  private stopping = false;

  constructor(private readonly events: EventLogger) {}

  /** Starts a job and returns its ids at once; the job runs on in the background. */
  start(spec: JobSpec): JobHandle {
    const handle: JobHandle = {
      task_id: spec.task_id ?? `task-${randomUUID().slice(0, 8)}`,
      run_id: `run-${randomUUID().slice(0, 8)}`,
    };
    const stop = new AbortController();
    if (this.stopping) stop.abort();
    this.stops.add(stop);
    const job = this.events
      .track('job', { ...handle, steps: spec.steps }, () => this.run(spec, stop.signal))
      // The failure is recorded as job_failed; nobody awaits a background job.
      .catch(() => undefined)
      .finally(() => {
        this.running.delete(job);
        this.stops.delete(stop);
      });
    this.running.add(job);
    return handle;
  }

  /** Jobs still running. */
  get active(): number {
    return this.running.size;
  }

  /** Before any shutdown hook: the jobs record their interruption while the logger still runs. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const stop of this.stops) stop.abort();
    await Promise.all(this.running);
  }

  private async run(spec: JobSpec, signal: AbortSignal): Promise<{ steps_done: number }> {
    for (let step = 1; step <= spec.steps; step++) {
      if (signal.aborted) throw new JobInterruptedError();
      await sleep(spec.step_ms, undefined, { signal }).catch(() => {
        throw new JobInterruptedError();
      });
      if (step === spec.fail_at_step) {
        throw new Error(`step ${step} of ${spec.steps} failed`);
      }
      this.events.info('job_step', { step, steps: spec.steps });
    }
    return { steps_done: spec.steps };
  }
}
