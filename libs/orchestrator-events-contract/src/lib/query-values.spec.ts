import { parseDecimalInteger, parseQueryLimit, parseQueryTime } from '../index';

describe('parseQueryLimit / parseDecimalInteger', () => {
  it.each(['1e2', '0x10', '+5', '05', ' 10', '10 ', '1.0', '-1', '', '0', '1001', 'ten'])(
    '%j is not a page size',
    (text) => expect(parseQueryLimit(text)).toBeUndefined(),
  );

  it('reads decimal integers from 1 to 1000', () => {
    expect(parseQueryLimit('1')).toBe(1);
    expect(parseQueryLimit('1000')).toBe(1000);
    expect(parseDecimalInteger('0')).toBe(0);
    expect(parseDecimalInteger('5000', 1)).toBe(5000);
    expect(parseDecimalInteger('00')).toBeUndefined();
  });
});

describe('parseQueryTime', () => {
  const iso = (text: string) => {
    const t = parseQueryTime(text);
    return t && `${new Date(t.ms).toISOString()}+${t.micros}us`;
  };

  it('reads the years 0000-0099 as written (Date.UTC would make them 1900-1999)', () => {
    expect(iso('0000-01-01T00:00:00Z')).toBe('0000-01-01T00:00:00.000Z+0us');
    expect(iso('0001-01-01T00:00:00Z')).toBe('0001-01-01T00:00:00.000Z+0us');
    expect(iso('0099-02-28')).toBe('0099-02-28T00:00:00.000Z+0us');
  });

  it('applies the offset and keeps microseconds', () => {
    expect(iso('2026-11-24T11:30:45.1234567+01:00')).toBe('2026-11-24T10:30:45.123Z+456us');
    expect(iso('2026-11-24T05:30-05:00')).toBe('2026-11-24T10:30:00.000Z+0us');
  });

  it.each([
    '2026-12-05T23:00:00',
    '2026-12-05T23:00',
    '2026-02-29',
    '2026-11-24T10:30:00+0100',
    '2026-11-24t10:30:00z',
    '0000-01-01T00:00:00+00:01',
    '10000-01-01T00:00:00Z',
  ])('refuses %s', (text) => expect(parseQueryTime(text)).toBeUndefined());
});
