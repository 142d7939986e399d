import { OrchestratorEvent } from '@orchestrator/events-contract';
import { errorText, failingEvent, stepSegments } from './run-steps';

const T = 1_790_000_000_000;
let seq = 0;
function ev(dt: number, event: string, extra: Record<string, unknown> = {}): OrchestratorEvent {
  return {
    timestamp: new Date(T + dt).toISOString(),
    level: 'INFO',
    logger: 'orchestrator_events',
    event,
    event_id: `${T + dt}-${String(seq++).padStart(6, '0')}-o-test`,
    orch_id: 'o-test',
    run_id: 'r',
    ...extra,
  } as OrchestratorEvent;
}

describe('run steps', () => {
  it('makes one segment per step event, from the previous one, and one for the end', () => {
    const events = [
      ev(0, 'job_started', { status: 'running' }),
      ev(300, 'job_step', { step: 2 }), // out of order on purpose
      ev(100, 'job_step', { step: 1 }),
      ev(350, 'log_line'),
      ev(900, 'job_failed', {
        status: 'failed',
        error: { message: 'boom', stack: 'Error: boom\n    at x' },
      }),
    ];
    expect(stepSegments(events)).toEqual([
      { label: 'step 1', startMs: T, endMs: T + 100 },
      { label: 'step 2', startMs: T + 100, endMs: T + 300 },
      { label: 'job_failed', startMs: T + 300, endMs: T + 900, ended: 'failed' },
    ]);
    expect(stepSegments([])).toEqual([]);
    expect(stepSegments([ev(0, 'job_started'), ev(5, 'job_completed')])).toEqual([]);
  });

  it('finds the failing event and its stack trace, newlines kept', () => {
    const failing = ev(10, 'job_failed', {
      status: 'failed',
      error: { name: 'Error', message: 'boom', stack: 'Error: boom\n    at run (a.js:1:2)' },
    });
    expect(failingEvent([ev(0, 'job_started'), failing])).toBe(failing);
    expect(errorText(failing)).toBe('Error: boom\n    at run (a.js:1:2)');
    expect(errorText(ev(0, 'x', { error: { name: 'TypeError', message: 'bad' } }))).toBe(
      'TypeError: bad',
    );
    expect(errorText(ev(0, 'x', { error: 'plain' }))).toBe('plain');
    expect(errorText(ev(0, 'x'))).toBeUndefined();
  });
});
