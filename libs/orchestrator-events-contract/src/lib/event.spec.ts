import { matches, OrchestratorEvent, parseLevel, levelRank } from '../index';
import { EVENT_ID_PATTERN, parseEventId } from './event-id';

const event = (fields: Partial<OrchestratorEvent>): OrchestratorEvent => ({
  timestamp: '2026-11-24T10:30:45.123456Z',
  level: 'INFO',
  logger: 'orchestrator_events',
  event: 'job_started',
  event_id: '1795515045123-000000-o-glm',
  orch_id: 'o-glm',
  ...fields,
});

describe('matches', () => {
  it('requires every given criterion', () => {
    const e = event({ task_id: 't1', run_id: 'r1', level: 'WARNING' });
    expect(matches({}, e)).toBe(true);
    expect(matches({ task_id: 't1', run_id: 'r1' }, e)).toBe(true);
    expect(matches({ task_id: 't1', run_id: 'r2' }, e)).toBe(false);
    expect(matches({ run_id: 'r1' }, event({ task_id: 't9', run_id: 'r1' }))).toBe(true);
    expect(matches({ event: ['a', 'job_started'] }, e)).toBe(true);
    expect(matches({ event: ['a'] }, e)).toBe(false);
    expect(matches({ level: 'WARNING' }, e)).toBe(true);
    expect(matches({ level: 'ERROR' }, e)).toBe(false);
  });
});

describe('levels', () => {
  it('parses any case and WARN', () => {
    expect(parseLevel('warn')).toBe('WARNING');
    expect(parseLevel(' Error ')).toBe('ERROR');
    expect(parseLevel('verbose')).toBeUndefined();
    expect(levelRank('DEBUG')).toBeLessThan(levelRank('ERROR'));
  });
});

describe('event ids', () => {
  it('parses the documented format', () => {
    expect(parseEventId('1795515045123-000042-o-glm')).toEqual({
      ms: 1795515045123,
      seq: 42,
      orchId: 'o-glm',
    });
    expect(parseEventId('17')).toBeUndefined();
    expect(EVENT_ID_PATTERN.test('1795515045123-000042-../x')).toBe(false);
  });
});
