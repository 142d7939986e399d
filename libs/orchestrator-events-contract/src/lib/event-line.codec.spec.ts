import { formatEventLine, isEventRecord, parseEventLine } from './event-line.codec';

describe('parseEventLine', () => {
  const event = { event: 'job_started', event_id: '1764585045123456-0000000', orch_id: 'o' };

  it('reads what formatEventLine wrote', () => {
    expect(parseEventLine(formatEventLine(event as never))).toEqual(event);
  });

  it.each([
    ['a torn line', '{"event":"job_started","event_id":"17645'],
    ['not JSON', 'Starting app...'],
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"job_started"'],
    ['null', 'null'],
    ['no event_id', '{"event":"x"}'],
    ['a numeric event_id', '{"event":"x","event_id":1}'],
    ['no event name', '{"event_id":"1764585045123456-0000000"}'],
  ])('returns undefined for %s', (_what, line) => {
    expect(parseEventLine(line)).toBeUndefined();
  });

  it('checks values already parsed the same way', () => {
    expect(isEventRecord(event)).toBe(true);
    expect(isEventRecord({ event_id: 'x' })).toBe(false);
  });
});
