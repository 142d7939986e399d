import { MAX_MARKS, RunSummaryStore, statusOf } from './run-summary.store';
import { eventAt } from '../testing/test-events';

const T = 1_790_000_000_000;

/** The events of a demo job as `track()` logs them. */
function job(runId: string, t0: number, steps: number, failAt?: number) {
  const events = [
    eventAt(t0, {
      event: 'job_started',
      task_id: 'task-a',
      run_id: runId,
      status: 'running',
      steps,
    }),
  ];
  for (let step = 1; step <= steps; step++) {
    if (step === failAt) {
      events.push(
        eventAt(t0 + step * 100, {
          event: 'job_failed',
          level: 'ERROR',
          task_id: 'task-a',
          run_id: runId,
          status: 'failed',
          duration_ms: step * 100,
          error: { name: 'Error', message: `step ${step} failed` },
        }),
      );
      return events;
    }
    events.push(
      eventAt(t0 + step * 100, {
        event: 'job_step',
        task_id: 'task-a',
        run_id: runId,
        step,
        steps,
      }),
    );
  }
  events.push(
    eventAt(t0 + steps * 100 + 5, {
      event: 'job_completed',
      task_id: 'task-a',
      run_id: runId,
      status: 'success',
      duration_ms: steps * 100 + 5,
    }),
  );
  return events;
}

describe('RunSummaryStore', () => {
  it('follows a run from start to success: times, steps, duration', () => {
    const store = new RunSummaryStore();
    const events = job('run-1', T, 3);
    store.add(events[0]);
    expect(store.get('run-1')).toMatchObject({ status: 'running', step: 0, steps: 3, startMs: T });
    for (const e of events.slice(1)) store.add(e);
    expect(store.get('run-1')).toMatchObject({
      taskId: 'task-a',
      status: 'success',
      statusText: 'success',
      step: 3,
      steps: 3,
      startMs: T,
      endMs: T + 305,
      durationMs: 305,
      events: 5,
      marks: [T + 100, T + 200, T + 300],
    });
  });

  it('keeps the reason of a failed run and lists it among the failures, newest first', () => {
    const store = new RunSummaryStore();
    for (const e of job('run-old', T, 3, 2)) store.add(e);
    for (const e of job('run-ok', T + 1000, 2)) store.add(e);
    for (const e of job('run-new', T + 2000, 3, 1)) store.add(e);
    expect(store.get('run-old')).toMatchObject({ status: 'failed', reason: 'step 2 failed' });
    expect(store.failures(false, 10).map((r) => [r.runId, r.reason])).toEqual([
      ['run-new', 'step 1 failed'],
      ['run-old', 'step 2 failed'],
    ]);
    expect(store.failures(false, 1)).toHaveLength(1);
  });

  it('counts 3/3 steps from all events, and selects runs by a level filter separately', () => {
    // The bug: with level=WARNING the page saw no job_step and showed 0/3.
    const store = new RunSummaryStore();
    for (const e of job('run-1', T, 3)) store.add(e);
    for (const e of job('run-2', T, 3, 3)) store.add(e);
    store.markMatched('run-2'); // its job_failed (ERROR) matched level >= WARNING
    expect(store.list(true).map((r) => [r.runId, r.step, r.steps])).toEqual([['run-2', 2, 3]]);
    expect(store.get('run-1')).toMatchObject({ step: 3, steps: 3 });
  });

  it('remembers a match that arrives before the run', () => {
    const store = new RunSummaryStore();
    store.markMatched('run-1');
    for (const e of job('run-1', T, 1)) store.add(e);
    expect(store.list(true).map((r) => r.runId)).toEqual(['run-1']);
  });

  it('places the start of a run begun before the history by its duration', () => {
    const store = new RunSummaryStore();
    const events = job('run-1', T, 3);
    for (const e of events.slice(3)) store.add(e); // only step 3 and job_completed were loaded
    expect(store.get('run-1')).toMatchObject({ startMs: T, endMs: T + 305, step: 3 });
  });

  it('reopens a run that starts again after it ended, not for a late event from before', () => {
    const store = new RunSummaryStore();
    for (const e of job('run-1', T, 1, 1)) store.add(e);
    store.add(eventAt(T + 50, { event: 'job_step', run_id: 'run-1', status: 'running' }));
    expect(store.get('run-1')?.status).toBe('failed');
    store.add(eventAt(T + 500, { event: 'job_started', run_id: 'run-1', status: 'running' }));
    expect(store.get('run-1')).toMatchObject({
      status: 'running',
      endMs: undefined,
      reason: undefined,
    });
  });

  it('ignores events without run_id and bounds runs, dropping finished ones first', () => {
    const store = new RunSummaryStore(3);
    store.add(eventAt(T, { event: 'orchestrator_started' }));
    expect(store.size).toBe(0);
    store.add(eventAt(T, { event: 'job_started', run_id: 'a', status: 'running' }));
    store.add(eventAt(T, { event: 'job_completed', run_id: 'b', status: 'success' }));
    store.add(eventAt(T, { event: 'job_started', run_id: 'c', status: 'running' }));
    store.add(eventAt(T, { event: 'job_started', run_id: 'd', status: 'running' }));
    expect(store.list(false).map((r) => r.runId)).toEqual(['a', 'c', 'd']);
    store.add(eventAt(T, { event: 'job_started', run_id: 'e', status: 'running' }));
    expect(store.list(false).map((r) => r.runId)).toEqual(['c', 'd', 'e']);
  });

  it('thins step marks of long runs, keeping the count bounded', () => {
    const store = new RunSummaryStore();
    for (let step = 1; step <= 10_000; step++) {
      store.add(eventAt(T + step, { event: 'job_step', run_id: 'long', step, steps: 10_000 }));
    }
    const run = store.get('long');
    expect(run?.step).toBe(10_000);
    expect(run?.marks.length).toBeLessThanOrEqual(MAX_MARKS);
    expect(run?.marks.length).toBeGreaterThan(MAX_MARKS / 4);
    expect(run?.marks.at(-1)).toBe(T + 10_000);
  });

  it('reads a status from the status field, else from the event name', () => {
    expect(statusOf(eventAt(T, { event: 'x', status: 'Succeeded' }))).toBe('success');
    expect(statusOf(eventAt(T, { event: 'x', status: 'cancelled' }))).toBe('failed');
    expect(statusOf(eventAt(T, { event: 'deploy_failed' }))).toBe('failed');
    expect(statusOf(eventAt(T, { event: 'deploy_completed' }))).toBe('success');
    expect(statusOf(eventAt(T, { event: 'deploy_started' }))).toBe('running');
    expect(statusOf(eventAt(T, { event: 'deploy_step', status: 'weird' }))).toBeUndefined();
  });
});
