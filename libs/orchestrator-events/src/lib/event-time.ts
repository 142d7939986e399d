/** Timestamps compare as strings once in the logger's own form: `YYYY-MM-DDTHH:MM:SS.ffffffZ`. */
const LOGGER_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * Converts a time to the logger's timestamp form, or `undefined` when it cannot be one.
 *
 * Accepts what `Date` parses (ISO 8601 extended form, any offset, any precision) within the
 * years 0000-9999. A week date (`2026-W05`), an ordinal date (`2026-123`) or the basic form
 * (`20261201`) are ISO 8601 too but `Date` cannot read them; a year beyond 9999 has no
 * four-digit form and would compare wrongly against the stored timestamps as a string.
 */
export function parseTimestamp(value: string | Date): string | undefined {
  if (typeof value === 'string' && LOGGER_TIMESTAMP.test(value)) return value;
  const date = typeof value === 'string' ? new Date(value) : value;
  const ms = date.getTime();
  if (!Number.isFinite(ms)) return undefined;
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) return undefined;
  const iso = date.toISOString();
  // Keep sub-millisecond digits the caller gave (Date drops them).
  const micro = typeof value === 'string' ? (/\.\d{3}(\d{1,3})/.exec(value)?.[1] ?? '') : '';
  return `${iso.slice(0, 23)}${micro.padEnd(3, '0')}Z`;
}

/** As {@link parseTimestamp}, but throws a `RangeError` naming the value it cannot convert. */
export function toTimestamp(value: string | Date): string {
  const timestamp = parseTimestamp(value);
  if (timestamp === undefined) {
    throw new RangeError(
      `not a date-time between the years 0000 and 9999 in ISO 8601 extended form: ${String(value)}`,
    );
  }
  return timestamp;
}
