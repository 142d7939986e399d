import { Injectable } from '@nestjs/common';
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

/**
 * The demo orchestrator: runs jobs in the background and records their life through `EventLogger`:
 * `job_started`, one `job_step` per step, then `job_completed` or `job_failed`.
 */
@Injectable()
export class JobsService {
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly events: EventLogger) {}

  /** Starts a job and returns its ids at once; the job runs on in the background. */
  start(spec: JobSpec): JobHandle {
    const handle: JobHandle = {
      task_id: spec.task_id ?? `task-${randomUUID().slice(0, 8)}`,
      run_id: `run-${randomUUID().slice(0, 8)}`,
    };
    const job = this.events
      .track('job', { ...handle, steps: spec.steps }, () => this.run(spec))
      // The failure is recorded as job_failed; nobody awaits a background job.
      .catch(() => undefined)
      .finally(() => this.running.delete(job));
    this.running.add(job);
    return handle;
  }

  /** Jobs still running. */
  get active(): number {
    return this.running.size;
  }

  private async run(spec: JobSpec): Promise<{ steps_done: number }> {
    for (let step = 1; step <= spec.steps; step++) {
      await sleep(spec.step_ms);
      if (step === spec.fail_at_step) {
        throw new Error(`step ${step} of ${spec.steps} failed`);
      }
      this.events.info('job_step', { step, steps: spec.steps });
    }
    return { steps_done: spec.steps };
  }
}
