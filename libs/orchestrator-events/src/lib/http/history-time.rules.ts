import isISO8601 from 'validator/lib/isISO8601';
import { parseTimestamp } from '../event-time';

/**
 * An ISO 8601 date-time in extended form that `Date` reads, within the years 0000-9999: the rule
 * of `since` and `until` on the events endpoints, for the runs and counts endpoints too.
 */
export function isEventTime(value: string): boolean {
  return isISO8601(value, { strict: true }) && parseTimestamp(value) !== undefined;
}
