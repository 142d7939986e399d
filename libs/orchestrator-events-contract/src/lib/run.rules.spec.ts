import fc from 'fast-check';
import { OrchestratorEvent, RunRecord } from '../index';
import { failureReason, foldRun, runStatusOf } from './run.rules';

const T0 = Date.parse('2026-11-24T10:00:00.000Z');
let seq = 0;
/** An event `ms` after T0, with an id in logging order. */
const at = (ms: number, fields: Partial<OrchestratorEvent> = {}): OrchestratorEvent => ({
  timestamp: new Date(T0 + ms).toISOString().replace('Z', '000Z'),
  level: 'INFO',
  logger: 'orchestrator_events',
  event: 'job_step',
  event_id: `${T0 + ms}-${String(seq++).padStart(6, '0')}-o-1`,
  orch_id: 'o-1',
  task_id: 'etl',
  run_id: 'r1',
  ...fields,
});
const fold = (events: OrchestratorEvent[]) =>
  events.reduce<RunRecord | undefined>((run, e) => foldRun(run, e), undefined);

describe('run rules', () => {
  it('reads a status from the status field, else from the event name', () => {
    expect(runStatusOf(at(0, { event: 'x', status: 'Succeeded' }))).toBe('success');
    expect(runStatusOf(at(0, { event: 'x', status: 'cancelled' }))).toBe('failed');
    expect(runStatusOf(at(0, { event: 'x', status: 'queued' }))).toBe('running');
    expect(runStatusOf(at(0, { event: 'deploy_failed' }))).toBe('failed');
    expect(runStatusOf(at(0, { event: 'deploy_completed' }))).toBe('success');
    expect(runStatusOf(at(0, { event: 'deploy_started' }))).toBe('running');
    expect(runStatusOf(at(0, { event: 'deploy_step', status: 'weird' }))).toBeUndefined();
  });

  it('takes the failure reason from error.message, error, reason, then message', () => {
    expect(failureReason(at(0, { error: { name: 'E', message: 'boom' }, reason: 'r' }))).toBe(
      'boom',
    );
    expect(failureReason(at(0, { error: 'text', message: 'm' }))).toBe('text');
    expect(failureReason(at(0, { reason: 'why', message: 'm' }))).toBe('why');
    expect(failureReason(at(0, { message: 'm' }))).toBe('m');
    expect(failureReason(at(0, {}))).toBeUndefined();
  });

  it('folds a failed run into its record: times, steps, duration, reason, ids, count', () => {
    const events = [
      at(0, { event: 'job_started', status: 'running', steps: 3 }),
      at(100, { step: 1, steps: 3 }),
      at(200, { step: 2, steps: 3 }),
      at(250, {
        event: 'job_failed',
        level: 'ERROR',
        status: 'failed',
        error: { name: 'Error', message: 'quota exceeded' },
      }),
    ];
    expect(fold(events)).toEqual({
      run_id: 'r1',
      task_id: 'etl',
      orch_id: 'o-1',
      status: 'failed',
      started_at: events[0].timestamp,
      ended_at: events[3].timestamp,
      duration_ms: 250,
      steps_done: 2,
      steps_total: 3,
      failure: 'quota exceeded',
      first_event_id: events[0].event_id,
      last_event_id: events[3].event_id,
      events: 4,
    });
  });

  it('prefers the logged duration_ms, and a run without an end is running', () => {
    const ok = fold([
      at(0, { event: 'job_started' }),
      at(90, { event: 'job_completed', duration_ms: 88 }),
    ]);
    expect(ok).toMatchObject({ status: 'success', duration_ms: 88 });
    expect(ok?.failure).toBeUndefined();
    const open = fold([at(0, { step: 1 })]);
    expect(open).toMatchObject({ status: 'running', steps_done: 1, events: 1 });
    expect(open?.ended_at).toBeUndefined();
    expect(foldRun(undefined, at(0, { run_id: undefined }))).toBeUndefined();
  });

  it('reopens on a later start (a retry), not for a late event from before the end', () => {
    const failed = fold([
      at(0, { event: 'job_started' }),
      at(100, { event: 'job_failed', message: 'x' }),
    ]);
    foldRun(failed, at(50, { event: 'job_step', status: 'running' }));
    expect(failed).toMatchObject({ status: 'failed', failure: 'x' });
    foldRun(failed, at(500, { event: 'job_started' }));
    expect(failed).toMatchObject({ status: 'running' });
    expect(failed?.ended_at).toBeUndefined();
    expect(failed?.failure).toBeUndefined();
    expect(failed?.duration_ms).toBeUndefined();
  });

  it('property: any order of a run without a retry gives the same record', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.boolean(), fc.nat(), (steps, fails, seed) => {
        const events = [at(0, { event: 'job_started', steps })];
        // Steps logged by another instance: the run stays the first event's instance's.
        for (let s = 1; s <= steps; s++) {
          events.push(at(s * 10, { step: s, steps, orch_id: s % 2 === 0 ? 'o-2' : 'o-1' }));
        }
        events.push(
          at(
            steps * 10 + 5,
            fails ? { event: 'job_failed', error: 'e' } : { event: 'job_completed' },
          ),
        );
        const shuffled = [...events];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = (seed + i * 7919) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        // steps_total is the last `steps` seen: the same in every event here.
        expect(fold(shuffled)).toEqual(fold(events));
      }),
    );
  });
});
