import { JobIdDeriver } from './job-ids';
import { JobSnapshot, JobTransitions } from './job-transitions';
import { QueueEventEntry } from './queue-event-entry';

/** The mapping alone, on hand-written stream entries (the Redis specs run it against BullMQ). */
const ids = new JobIdDeriver({ dataField: 'task_id' }, 'attempt');
const ref = { queue: 'q', id: '7', name: 'render', data: { task_id: 'task-7' } };
let seq = 0;
const entry = (event: string, args: Record<string, unknown> = {}): QueueEventEntry => ({
  id: `${1_000 + seq * 10}-${seq++}`,
  event,
  jobId: '7',
  args,
});
const snapshot = (over: Partial<JobSnapshot> = {}): JobSnapshot => ({
  ref,
  attemptsStarted: 1,
  attemptsMade: 0,
  maxAttempts: 3,
  failedReason: undefined,
  stacktrace: [],
  processedOn: undefined,
  finishedOn: undefined,
  ...over,
});

function run(t: JobTransitions, entries: QueueEventEntry[], job?: JobSnapshot) {
  return entries.flatMap((e, i) => t.map(e, entries[i + 1], ref, job));
}

describe('JobTransitions', () => {
  it('maps a job that completes; duration from the stream ids of active and completed', () => {
    const t = new JobTransitions('q', ids, 1024);
    const events = run(t, [
      entry('added', { name: 'render' }),
      entry('waiting'),
      entry('active', { prev: 'waiting' }),
      entry('completed', { returnvalue: { ok: 1 } }),
    ]);
    expect(events.map((e) => e.event)).toEqual(['job_queued', 'job_started', 'job_completed']);
    expect(events[2]).toMatchObject({
      attempt: 1,
      duration_ms: 10,
      result: { ok: 1 },
      run_id: 'q:7:1',
    });
    expect(t.attempts.size).toBe(0);
  });

  it("tells a failed attempt from the processor's own move back by attemptsMade", () => {
    const t = new JobTransitions('q', ids, 1024);
    run(t, [entry('added'), entry('active', { prev: 'waiting' })]);
    // A rate-limited processor moved its job back: attemptsMade did not grow.
    const moved = run(t, [entry('waiting', { prev: 'active' })], snapshot({ attemptsMade: 0 }));
    expect(moved.map((e) => e.event)).toEqual(['job_retrying']);
    expect(moved[0]).toMatchObject({ reason: 'moved back by the processor', attempt: 2 });
    run(t, [entry('active', { prev: 'waiting' })]);
    const delayed = entry('delayed', { delay: 0 });
    delayed.args['delay'] = Number(delayed.id.split('-')[0]) + 500;
    const failed = run(
      t,
      [delayed],
      snapshot({
        attemptsMade: 1,
        failedReason: 'later one',
        stacktrace: ['Error: first\n  at x'],
      }),
    );
    expect(failed.map((e) => e.event)).toEqual(['job_failed', 'job_retrying']);
    expect(failed[0]).toMatchObject({ attempt: 2, will_retry: true, attempts_made: 1 });
    expect(failed[1]).toMatchObject({ attempt: 3, delay_ms: 500, reason: 'failed' });
  });

  it('names a retried failure after its own stack once a later attempt has ended', () => {
    const t = new JobTransitions('q', ids, 1024);
    run(t, [entry('added'), entry('active', { prev: 'waiting' })]);
    const [failed] = run(
      t,
      [entry('waiting', { prev: 'active' })],
      snapshot({
        attemptsMade: 2,
        failedReason: 'second',
        stacktrace: ['TypeError: first\n  at x', 'Error: second'],
      }),
    );
    expect(failed['error']).toEqual({ message: 'first' });
  });

  it('reports a stall once (the waiting entry written with it says nothing)', () => {
    const t = new JobTransitions('q', ids, 1024);
    const events = run(t, [
      entry('added'),
      entry('active', { prev: 'waiting' }),
      entry('waiting', { prev: 'active' }),
      entry('stalled'),
      entry('active', { prev: 'waiting' }),
    ]);
    expect(events.map((e) => `${e.event}:${e['attempt'] ?? ''}`)).toEqual([
      'job_queued:',
      'job_started:1',
      'job_stalled:1',
      'job_started:2',
    ]);
  });

  it('takes attempts_made of a final failure from the retries-exhausted entry after it', () => {
    const t = new JobTransitions('q', ids, 1024);
    const events = run(t, [
      entry('active', { prev: 'waiting' }),
      entry('failed', { failedReason: 'no', prev: 'active' }),
      entry('retries-exhausted', { attemptsMade: '3' }),
    ]);
    expect(events.pop()).toMatchObject({
      event: 'job_failed',
      level: 'ERROR',
      will_retry: false,
      attempts_made: 3,
      error: { message: 'no' },
    });
  });

  it('restores the attempt of a job in flight from the stream before the cursor', () => {
    const t = new JobTransitions('q', ids, 1024);
    t.attempts.replay([
      entry('added'),
      entry('active', { prev: 'waiting' }),
      entry('waiting', { prev: 'active' }),
      entry('active', { prev: 'waiting' }),
    ]);
    const [done] = run(t, [entry('completed', { returnvalue: 'x'.repeat(2000) })]);
    expect(done).toMatchObject({ attempt: 2, run_id: 'q:7:2', result_truncated: true });
    expect(String(done['result']).length).toBeLessThanOrEqual(1025);
  });
});
