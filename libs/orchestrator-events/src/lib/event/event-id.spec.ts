import { EVENT_ID_PATTERN, MAX_EVENT_ID_MS } from '@orchestrator/events-contract';
import { EventClock } from './event-clock';
import { EventIdGenerator, EventIdsExhaustedError } from './event-id';

/** The clock's last microsecond: 2^53 - 1, the last exact one in a double. */
const CLOCK_MAX_US = Number.MAX_SAFE_INTEGER;
const MAX_US = CLOCK_MAX_US;

/** Each id matches the pattern the API validates with, and sorts after the one before. */
function expectValidAndIncreasing(ids: string[]): void {
  for (const id of ids) expect(id).toMatch(EVENT_ID_PATTERN);
  for (let i = 1; i < ids.length; i++) expect(ids[i] > ids[i - 1]).toBe(true);
}

describe('EventIdGenerator at the edges of the id format', () => {
  it('continues above the newest id on disk when the clock went back', () => {
    const ids = new EventIdGenerator('o', '1795515045123-000005-o');
    const next = [ids.next(1_700_000_000_000_000), ids.next(1_600_000_000_000_000)];
    expect(next).toEqual(['1795515045123-000006-o', '1795515045123-000007-o']);
  });

  it('borrows the next millisecond up to the 13-digit limit, then refuses instead of reissuing', () => {
    const ids = new EventIdGenerator('o', `${MAX_EVENT_ID_MS - 1}-999998-o`);
    const made = [ids.next(0), ids.next(0), ids.next(MAX_US), ids.next(MAX_US)];
    expect(made).toEqual([
      `${MAX_EVENT_ID_MS - 1}-999999-o`,
      `${MAX_EVENT_ID_MS}-000000-o`,
      `${MAX_EVENT_ID_MS}-000001-o`,
      `${MAX_EVENT_ID_MS}-000002-o`,
    ]);
    expectValidAndIncreasing(made);

    const full = new EventIdGenerator('o', `${MAX_EVENT_ID_MS}-999998-o`);
    expect(full.next(MAX_US)).toBe(`${MAX_EVENT_ID_MS}-999999-o`);
    expect(() => full.next(MAX_US)).toThrow(EventIdsExhaustedError);
    expect(() => full.next(MAX_US)).toThrow(EventIdsExhaustedError);
  });

  it('keeps any microsecond value it is given within the format (14 digits, negative, NaN-free)', () => {
    const ids = new EventIdGenerator('o');
    const made = [ids.next(-5_000), ids.next(0), ids.next(1e18), ids.next(Number.MAX_SAFE_INTEGER)];
    expect(made).toEqual([
      '0000000000000-000000-o',
      '0000000000000-000001-o',
      `${MAX_EVENT_ID_MS}-000000-o`,
      `${MAX_EVENT_ID_MS}-000001-o`,
    ]);
    expectValidAndIncreasing(made);
  });
});

describe('EventClock with a wall clock outside what ids can hold', () => {
  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['far ahead (year 2500)', 16_725_225_600_000, CLOCK_MAX_US, '2255-06-05T23:47:34.740991Z'],
    ['before 1970', -86_400_000, 0, '1970-01-01T00:00:00.000000Z'],
  ])('reads a clock %s as the nearest time an id can hold', (_, wallMs, us, timestamp) => {
    jest.spyOn(Date, 'now').mockReturnValue(wallMs);
    const clock = new EventClock();
    const read = clock.nowMicros();
    expect(read).toBe(us);
    expect(clock.format(read)).toBe(timestamp);
    const ids = new EventIdGenerator('o');
    expectValidAndIncreasing([ids.next(read), ids.next(clock.nowMicros())]);
  });

  it('never goes back when the wall clock jumps backwards', () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_795_515_045_123);
    const clock = new EventClock();
    const before = clock.nowMicros();
    now.mockReturnValue(1_700_000_000_000);
    // Past the re-anchoring interval, so the clock reads Date.now() again.
    (clock as unknown as { nextSyncUs: number }).nextSyncUs = 0;
    expect(clock.nowMicros()).toBeGreaterThanOrEqual(before);
  });
});
