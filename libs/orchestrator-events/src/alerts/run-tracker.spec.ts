import { OrchestratorEvent } from '@orchestrator/events-contract';
import { ErrorRateWindow } from './error-rate.window';
import { RunTracker } from './run-tracker';

let seq = 0;
function event(run: string, name: string, status?: string, at = Date.now()): OrchestratorEvent {
  seq++;
  return {
    event: name,
    event_id: `${String(at).padStart(13, '0')}-${String(seq).padStart(6, '0')}-o`,
    orch_id: 'o',
    level: status === 'failed' ? 'ERROR' : 'INFO',
    timestamp: new Date(at).toISOString(),
    task_id: 't',
    run_id: run,
    ...(status === undefined ? {} : { status }),
  } as OrchestratorEvent;
}

describe('RunTracker', () => {
  it('folds with the contract rules and says when a run became failed, once', () => {
    const runs = new RunTracker(10);
    expect(runs.add(event('r1', 'job_started', 'running'))?.becameFailed).toBe(false);
    expect(runs.add(event('r1', 'job_failed', 'failed'))?.becameFailed).toBe(true);
    expect(runs.add(event('r1', 'job_cleanup'))?.becameFailed).toBe(false);
    expect(runs.add({ ...event('x', 'no_run'), run_id: undefined })).toBeUndefined();
  });

  it('holds at most maxRuns, forgetting the least recently active', () => {
    const runs = new RunTracker(10);
    for (let i = 0; i < 1000; i++) runs.add(event(`r${i}`, 'job_started', 'running'));
    expect(runs.size).toBe(10);
    runs.add(event('r990', 'job_step'));
    runs.add(event('new', 'job_started', 'running'));
    const silent = [...runs.silent(Date.now() + 1)].map((r) => r.record.run_id);
    expect(silent).toHaveLength(10);
    expect(silent).toContain('r990'); // touched: kept
    expect(silent).not.toContain('r991'); // the least recently active went first
    expect(silent.at(-1)).toBe('new');
  });

  it('lists as silent only running runs heard of before the time given', () => {
    const runs = new RunTracker(10);
    runs.add(event('done', 'job_started', 'running'));
    runs.add(event('done', 'job_completed', 'success'));
    runs.add(event('open', 'job_started', 'running'));
    expect([...runs.silent(Date.now() + 1)].map((r) => r.record.run_id)).toEqual(['open']);
    expect([...runs.silent(Date.now() - 60_000)]).toEqual([]);
  });
});

describe('ErrorRateWindow', () => {
  it('fires at threshold events within the window by timestamp, then starts again', () => {
    const window = new ErrorRateWindow(3, 1000);
    const t = Date.UTC(2026, 0, 1);
    const at = (ms: number) => new Date(t + ms).toISOString();
    expect(window.add(at(0), 'a')).toBeUndefined();
    expect(window.add(at(500), 'b')).toBeUndefined();
    expect(window.add(at(1200), 'c')).toBeUndefined(); // a is out of the window
    expect(window.add(at(1400), 'd')).toBe('b');
    expect(window.add(at(1450), 'e')).toBeUndefined(); // counting again from zero
    expect(window.add('not a time', 'f')).toBeUndefined();
  });
});
