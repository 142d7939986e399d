import * as path from 'node:path';
import { EventLevel, parseLevel } from '@orchestrator/events-contract';

/**
 * Readers of one setting each: a value as given (an option of any type, or an environment string)
 * in, the typed value or a problem out. They never throw, so validation can report every bad
 * setting at once; the `allowed` text of a problem is what the error message says is allowed.
 */
export type Read<T> = { ok: true; value: T } | { ok: false; allowed: string };

/** A value read. */
export const ok = <T>(value: T): Read<T> => ({ ok: true, value });
/** A value refused: `allowed` says what is. */
export const bad = (allowed: string): Read<never> => ({ ok: false, allowed });

const SIZE_PATTERN = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i;
const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Parses `10m`, `64k`, `1048576`... into bytes; `undefined` when it is not a size. */
export function parseSize(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.floor(value) : undefined;
  const match = SIZE_PATTERN.exec(value.trim());
  if (!match) return undefined;
  return Math.floor(Number(match[1]) * SIZE_UNITS[match[2].toLowerCase()]);
}

/** An integer within [min, max], from a number or its decimal text. */
export function readInteger(value: unknown, min: number, max: number): Read<number> {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  return Number.isInteger(n) && n >= min && n <= max
    ? ok(n)
    : bad(`expected an integer from ${min} to ${max}`);
}

/** The reader of an integer within [min, max] (`readInteger`), for an option's row. */
export const integerIn =
  (min: number, max: number) =>
  (value: unknown): Read<number> =>
    readInteger(value, min, max);

/** A size in bytes within [min, max]; `range` and `example` word the problem (`1k to 1024g`, `10m`). */
export function readSize(
  value: unknown,
  min: number,
  max: number,
  range: string,
  example: string,
): Read<number> {
  const n = typeof value === 'number' || typeof value === 'string' ? parseSize(value) : undefined;
  return n !== undefined && n >= min && n <= max
    ? ok(n)
    : bad(`expected a size from ${range}: bytes, or a number with k, m or g (${example})`);
}

/** The reader of a size within [min, max] (`readSize`), for an option's row. */
export const sizeIn =
  (min: number, max: number, range: string, example: string) =>
  (value: unknown): Read<number> =>
    readSize(value, min, max, range, example);

/** `true`/`false` (any case, also `1`/`0`, `yes`/`no`, `on`/`off`) or a boolean. */
export function readBoolean(value: unknown): Read<boolean> {
  if (typeof value === 'boolean') return ok(value);
  const text = String(value).trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(text)) return ok(true);
  if (['false', '0', 'no', 'off'].includes(text)) return ok(false);
  return bad('expected true or false');
}

/** A level name in any case (`WARN` = `WARNING`). */
export function readLevel(value: unknown): Read<EventLevel> {
  const level = parseLevel(String(value));
  return level ? ok(level) : bad('expected DEBUG, INFO, WARNING (or WARN) or ERROR, in any case');
}

/** Text matching `pattern`. */
export function readText(value: unknown, pattern: RegExp, allowed: string): Read<string> {
  const text = String(value);
  return pattern.test(text) ? ok(text) : bad(allowed);
}

/** A file path, made absolute (against the working directory). */
export function readPath(value: unknown): Read<string> {
  return typeof value === 'string' && value.trim() !== ''
    ? ok(path.resolve(value))
    : bad('expected a file path');
}

/** A comma-separated list (or an array) of field names, trimmed, lower-cased, empty ones left out. */
export function readKeyList(value: unknown): Read<readonly string[]> {
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : null;
  if (items === null) return bad('expected a comma-separated list of field names');
  return ok(items.map((key) => String(key).trim().toLowerCase()).filter((key) => key.length > 0));
}
