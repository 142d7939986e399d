import { parseTimestamp, toTimestamp } from './event-time';
import { parseEventsQuery } from '../http/events-query.rules';

/** The 400 messages the query rules give for these parameters. */
function queryErrors(params: Record<string, string>): string[] {
  const parsed = parseEventsQuery(new URLSearchParams(params).toString(), 'list');
  return parsed.ok ? [] : parsed.errors;
}

describe('event time bounds', () => {
  it.each([
    ['2026-11-24T10:30:45.123456Z', '2026-11-24T10:30:45.123456Z'],
    ['2026-11-24T10:30:45Z', '2026-11-24T10:30:45.000000Z'],
    ['2026-11-24T11:30:45.1234+01:00', '2026-11-24T10:30:45.123400Z'],
    ['2026-11-24', '2026-11-24T00:00:00.000000Z'],
    ['0000-01-01T00:00:00Z', '0000-01-01T00:00:00.000000Z'],
    // Date.UTC and the validator's date check read these years as 1900-1999: once refused.
    ['0001-03-01T00:00:00Z', '0001-03-01T00:00:00.000000Z'],
    ['0099-12-31T23:59:59.5+00:30', '0099-12-31T23:29:59.500000Z'],
    ['0000-01-01T01:00:00+01:00', '0000-01-01T00:00:00.000000Z'],
    ['9999-12-31T23:59:59.999999Z', '9999-12-31T23:59:59.999999Z'],
  ])('%s becomes %s', (input, expected) => {
    expect(parseTimestamp(input)).toBe(expected);
    expect(toTimestamp(input)).toBe(expected);
  });

  it('takes a Date', () => {
    expect(toTimestamp(new Date(Date.UTC(2026, 10, 24, 10, 30, 45, 7)))).toBe(
      '2026-11-24T10:30:45.007000Z',
    );
  });

  it.each([
    '-9217001',
    '2026-W05',
    '2026-123',
    '20261201',
    '+275760-09-13T00:00:00Z',
    'x',
    // No offset: Date would read it as the server's local time.
    '2026-12-05T23:00:00',
  ])('%s is refused, and toTimestamp names it', (input) => {
    expect(parseTimestamp(input)).toBeUndefined();
    expect(() => toTimestamp(input)).toThrow(new RegExp(`ISO 8601.*${input.replace('+', '\\+')}`));
  });

  it.each([
    // Passes IsISO8601 but not Date: these were answered with a 500.
    '-9217001',
    '2026-W05-3',
    '2026-123',
    '20261201T101010Z',
    // Date reads it, but it is not ISO 8601.
    '1',
    'Dec 1 2026',
  ])('the query rules refuse %s as since and as until, naming each', (input) => {
    const messages = queryErrors({ since: input, until: input });
    expect(messages).toEqual([
      expect.stringMatching(/^since must be an ISO 8601 date-time/),
      expect.stringMatching(/^until must be an ISO 8601 date-time/),
    ]);
  });

  it('the query rules accept an offset and microseconds', () => {
    expect(
      queryErrors({ since: '2026-11-24T11:30:45.123456+01:00', until: '2026-11-24T10:30:45Z' }),
    ).toEqual([]);
  });
});
