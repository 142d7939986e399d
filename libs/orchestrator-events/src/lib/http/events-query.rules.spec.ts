import { parseEventsQuery } from './events-query.rules';

/** The 400 messages for a query string, or [] when it passes. */
function errors(search: string, endpoint: 'list' | 'stream' = 'list'): string[] {
  const parsed = parseEventsQuery(search, endpoint);
  return parsed.ok ? [] : parsed.errors;
}

describe('events query rules', () => {
  it.each(['1e2', '0x10', '+5', '05', '%2010', '10%20', '1.0', '0', '1001', '', '٣'])(
    'limit=%s is refused, naming limit',
    (value) => {
      expect(errors(`limit=${value}`)).toEqual([
        expect.stringMatching(/^limit must be an integer from 1 to 1000 in decimal digits/),
      ]);
    },
  );

  it.each([
    ['1', 1],
    ['10', 10],
    ['1000', 1000],
  ])('limit=%s is %d', (value, n) => {
    const parsed = parseEventsQuery(`limit=${value}`, 'list');
    expect(parsed.ok && parsed.query.limit).toBe(n);
  });

  it.each(['task_id', 'run_id', 'level', 'since', 'until', 'after', 'limit', 'access_token'])(
    'a repeated %s is refused as given twice, not as a bad value',
    (name) => {
      const value = {
        task_id: 'a',
        run_id: 'a',
        level: 'INFO',
        since: '2026-11-24T10:00:00Z',
        until: '2026-11-24T10:00:00Z',
        after: '1795515045123-000000-a',
        limit: '5',
        access_token: 't',
      }[name];
      expect(errors(`${name}=${value}&${name}=${value}`)).toEqual([
        `${name} is given twice: give it once`,
      ]);
    },
  );

  it('says how many times a parameter is repeated, on the stream endpoint too', () => {
    expect(errors('task_id=a&task_id=b&task_id=c', 'stream')).toEqual([
      'task_id is given 3 times: give it once',
    ]);
  });

  it('still takes event names from repeated event parameters', () => {
    const parsed = parseEventsQuery('event=a&event=b,c', 'list');
    expect(parsed.ok && parsed.query.filter.event).toEqual(['a', 'b', 'c']);
  });

  it.each([
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00Z',
    '0099-12-31T23:59:59.999999Z',
    '0004-02-29T00:00:00Z',
    '0000-02-29',
    '2026-11-24T10:30:45.123456+01:00',
    '2026-11-24T10:30Z',
  ])('since=%s is accepted', (value) => {
    expect(errors(`since=${encodeURIComponent(value)}`)).toEqual([]);
  });

  it.each([
    // A date-time without an offset: local time to Date, so different on every server.
    '2026-12-05T23:00:00',
    '2026-12-05T23:00',
    '0001-02-29T00:00:00Z',
    '2026-02-29',
    '2026-11-24T24:00:00Z',
    '2026-11-24T10:30:00+24:00',
    '2026-11-24T10:30:00+0100',
    '2026-11-24 10:30:00Z',
    '0000-01-01T00:00:00+01:00',
    '9999-12-31T23:30:00-01:00',
  ])('since=%s is refused, naming since and the offset rule', (value) => {
    expect(errors(`since=${encodeURIComponent(value)}`)).toEqual([
      expect.stringMatching(/^since must be an ISO 8601 date-time with an offset/),
    ]);
  });
});
