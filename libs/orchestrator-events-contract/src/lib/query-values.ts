import { MAX_QUERY_LIMIT } from './event-query';

/**
 * How query values are written as text (a URL parameter, a CLI flag), once for the server, the
 * client and the CLI, so that the three accept and refuse the same things.
 */

/** A decimal integer as written: digits only, no sign, exponent, radix prefix, space or leading zero. */
export const DECIMAL_INTEGER_PATTERN = /^(?:0|[1-9][0-9]*)$/;

/**
 * The number a decimal integer text stands for, when it is one from `min` to `max` (inclusive);
 * else `undefined`. `1e2`, `0x10`, `+5`, `05`, ` 10` and `1.0` are not decimal integers, whatever
 * `Number()` makes of them.
 */
export function parseDecimalInteger(
  text: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (!DECIMAL_INTEGER_PATTERN.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

/** What a page size (`limit`) must be, in words for the 400 (or the client's and CLI's errors). */
export const QUERY_LIMIT_RULE = `an integer from 1 to ${MAX_QUERY_LIMIT} in decimal digits, without sign or leading zero`;

/** A page size (`limit`) as text: a decimal integer from 1 to `MAX_QUERY_LIMIT`, else `undefined`. */
export function parseQueryLimit(text: string): number | undefined {
  return parseDecimalInteger(text, 1, MAX_QUERY_LIMIT);
}

/**
 * A `since`/`until` value: an ISO 8601 date-time in extended form with its offset (`Z` or
 * `±HH:MM`) and any precision, or a date alone (the start of that day in UTC). A date-time without
 * an offset is refused: read as local time it would mean something else on every machine.
 */
const QUERY_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Why `since`/`until` text was refused, in words for the 400 (or the CLI's usage error). */
export const QUERY_TIME_RULE =
  'an ISO 8601 date-time with an offset (Z or ±HH:MM), such as 2026-11-24T10:30:00Z, or a ' +
  'date alone (2026-11-24, the start of that day in UTC); years 0000-9999';

/** A point in time read from `since`/`until` text: epoch milliseconds and the microseconds below. */
export interface QueryTime {
  /** Milliseconds since the epoch (negative before 1970). */
  ms: number;
  /** Microseconds within that millisecond, 0-999 (digits beyond the sixth are dropped). */
  micros: number;
}

/**
 * Reads `since`/`until` text (see {@link QUERY_TIME_RULE}), or `undefined` when it is not one:
 * a bad field (month 13, 30 February, hour 24), a missing offset, another ISO form (week,
 * ordinal, basic), or an instant outside the years 0000-9999 in UTC. Unlike `Date`, it reads
 * the years 0000-0099 as written.
 */
export function parseQueryTime(text: string): QueryTime | undefined {
  const m = QUERY_TIME.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', offset = 'Z'] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  const shift = offsetMinutes(offset);
  if (hour > 23 || minute > 59 || second > 59 || shift === undefined) return undefined;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: the latter reads the years 0-99 as 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, Number(fraction.slice(0, 3).padEnd(3, '0')));
  const ms = date.getTime() - shift * 60_000;
  const utcYear = new Date(ms).getUTCFullYear();
  if (utcYear < 0 || utcYear > 9999) return undefined;
  return { ms, micros: Number(fraction.slice(3, 6).padEnd(3, '0')) };
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** `Z` → 0, `+01:30` → 90, `-05:00` → -300; `undefined` past ±23:59. */
function offsetMinutes(offset: string): number | undefined {
  if (offset === 'Z') return 0;
  const hours = Number(offset.slice(1, 3));
  const minutes = Number(offset.slice(4, 6));
  if (hours > 23 || minutes > 59) return undefined;
  const total = hours * 60 + minutes;
  return offset[0] === '-' ? -total : total;
}
