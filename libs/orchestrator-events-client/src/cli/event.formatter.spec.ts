import { OrchestratorEvent } from '@orchestrator/events-contract';
import { ANSI } from './colors';
import { formatEvent, formatTime, formatValue, MAX_VALUE_CHARS } from './event.formatter';

const event = (fields: Partial<OrchestratorEvent>): OrchestratorEvent => ({
  timestamp: '2026-11-24T10:30:45.123456Z',
  level: 'INFO',
  logger: 'orchestrator_events',
  event: 'job_started',
  event_id: '1795515045123-000000-o-glm',
  orch_id: 'o-glm',
  ...fields,
});

describe('formatEvent', () => {
  it('shows time, level, event, ids, status, message, then the extra fields', () => {
    const line = formatEvent(
      event({
        event: 'job_completed',
        task_id: 't1',
        run_id: 'r1',
        status: 'success',
        message: 'Job done',
        duration_ms: 1500,
        result: { processed: 42 },
      }),
    );
    expect(line).toBe(
      '2026-11-24 10:30:45.123Z INFO    job_completed    task=t1 run=r1 status=success "Job done" duration_ms=1500 result={"processed":42}',
    );
  });

  it('shows an error as name: message and leaves the stack to --json', () => {
    const line = formatEvent(
      event({
        level: 'ERROR',
        event: 'job_failed',
        error: { name: 'Error', message: 'step 2 failed', stack: 'Error: step 2 failed\n  at x' },
      }),
    );
    expect(line).toBe(
      '2026-11-24 10:30:45.123Z ERROR   job_failed       error="Error: step 2 failed"',
    );
  });

  it('escapes control characters so a field cannot drive the terminal', () => {
    const line = formatEvent(
      event({ event: 'x\u001b[2J', note: 'a\u001b[31mred\nnext', k: '\u009b' }),
    );
    // eslint-disable-next-line no-control-regex
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(line).toContain('x\\u001b[2J');
    expect(line).toContain('note="a\\u001b[31mred\\nnext"');
    expect(line).toContain('k="\\u009b"');
  });

  it('colours level, status and keys when given the ANSI palette', () => {
    const line = formatEvent(event({ level: 'ERROR', status: 'failed' }), ANSI);
    expect(line).toContain('\u001b[1m\u001b[31mERROR  \u001b[39m\u001b[22m');
    expect(line).toContain('\u001b[2mstatus=\u001b[22m\u001b[31mfailed\u001b[39m');
  });
});

describe('formatTime', () => {
  it('cuts microseconds and keeps the UTC marker', () => {
    expect(formatTime('2026-11-24T10:30:45.123456Z')).toBe('2026-11-24 10:30:45.123Z');
    expect(formatTime('2026-11-24T10:30:45Z')).toBe('2026-11-24 10:30:45.000Z');
    expect(formatTime('2026-11-24T10:30:45.1Z')).toBe('2026-11-24 10:30:45.100Z');
    expect(formatTime('yesterday')).toBe('yesterday');
  });
});

describe('formatValue', () => {
  it('quotes only what needs it and cuts long values', () => {
    expect(formatValue('run-1')).toBe('run-1');
    expect(formatValue('two words')).toBe('"two words"');
    expect(formatValue(null)).toBe('null');
    expect(formatValue([1, 2])).toBe('[1,2]');
    const long = formatValue('x'.repeat(500));
    expect(long).toHaveLength(MAX_VALUE_CHARS);
    expect(long.endsWith('…')).toBe(true);
  });
});
