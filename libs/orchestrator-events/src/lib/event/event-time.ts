import { parseQueryTime, QUERY_TIME_RULE } from '@orchestrator/events-contract';

/** Timestamps compare as strings once in the logger's own form: `YYYY-MM-DDTHH:MM:SS.ffffffZ`. */
const LOGGER_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * Converts a time to the logger's timestamp form, or `undefined` when it cannot be one.
 *
 * Text is read by the contract's `parseQueryTime`, the rule the client and the CLI apply too: ISO
 * 8601 extended form with its offset (`Z` or `±HH:MM`) and any precision, or a date alone (UTC),
 * within the years 0000-9999. A date-time without an offset is refused (`Date` would read it as
 * the server's local time); so are week and ordinal dates and the basic form, and years beyond
 * 9999, which have no four-digit form and would compare wrongly against the stored timestamps.
 */
export function parseTimestamp(value: string | Date): string | undefined {
  if (typeof value === 'string' && LOGGER_TIMESTAMP.test(value)) return value;
  const time =
    typeof value === 'string' ? parseQueryTime(value) : { ms: value.getTime(), micros: 0 };
  if (time === undefined || !Number.isFinite(time.ms)) return undefined;
  const date = new Date(time.ms);
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) return undefined;
  return `${date.toISOString().slice(0, 23)}${String(time.micros).padStart(3, '0')}Z`;
}

/** As {@link parseTimestamp}, but throws a `RangeError` naming the value it cannot convert. */
export function toTimestamp(value: string | Date): string {
  const timestamp = parseTimestamp(value);
  if (timestamp === undefined) {
    throw new RangeError(`not ${QUERY_TIME_RULE}: ${String(value)}`);
  }
  return timestamp;
}
