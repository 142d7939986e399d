import { isISO8601, ValidateBy, ValidationOptions } from 'class-validator';
import { parseTimestamp } from '../event-time';

/**
 * A `since`/`until` bound the store can compare: an ISO 8601 date-time in extended form
 * (`2026-11-24T10:30:00Z`, any offset and precision, years 0000-9999).
 *
 * `IsISO8601` alone also passes week dates, ordinal dates, the basic form and six-digit years,
 * which `Date` cannot read or the string comparison against stored timestamps would get wrong;
 * those became a 500 instead of a 400 naming the parameter.
 */
export function IsEventTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEventTime',
      validator: {
        // Both: `Date` alone also reads non-ISO text such as `1` (the year 2001) or `Dec 1 2026`.
        validate: (value: unknown) =>
          isISO8601(value, { strict: true }) && parseTimestamp(value as string) !== undefined,
      },
    },
    options,
  );
}
