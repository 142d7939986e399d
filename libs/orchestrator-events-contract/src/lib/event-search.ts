import { CORE_FIELDS, NAMED_FIELDS } from './core-fields';
import type { OrchestratorEvent } from './event';

/**
 * Search (`q`) and extra-field equality (`extras.<key>`), the rules every source applies alike:
 * the files scan and the live streams through `matches()`, a history store in its own query
 * language. The bounds are the HTTP endpoints' (a longer value is a 400) and the client's.
 */

/** Longest `q`, in characters (code points). */
export const MAX_SEARCH_LENGTH = 256;
/** Most words in one `q`. */
export const MAX_SEARCH_WORDS = 16;
/** Longest key of an `extras.<key>` criterion, in characters. */
export const MAX_EXTRAS_KEY_LENGTH = 128;
/** Longest value of an `extras.<key>` criterion, in characters. */
export const MAX_EXTRAS_VALUE_LENGTH = 256;

/**
 * The words of a `q`: split on whitespace, lowercased (`String.prototype.toLowerCase`, the same
 * on every platform: no locale). No word at all means no criterion.
 */
export function searchWords(q: string): string[] {
  return q
    .toLowerCase()
    .split(/\s+/u)
    .filter((word) => word !== '');
}

/**
 * True when each word appears (as a substring, lowercased) in the event's `message` or in some
 * string value of its extra fields, at any depth (objects and arrays alike: a failed `track()`'s
 * `error.message` counts). Not searched: keys, numbers and booleans, the core fields, `task_id`,
 * `run_id` and `status` (they have filters of their own). Words may be found in different values.
 */
export function searchMatches(words: readonly string[], event: OrchestratorEvent): boolean {
  if (words.length === 0) return true;
  let pending = words;
  const found = (text: string): boolean => {
    const lower = text.toLowerCase();
    pending = pending.filter((word) => !lower.includes(word));
    return pending.length === 0;
  };
  if (typeof event.message === 'string' && found(event.message)) return true;
  // Depth-first without recursion: a deeply nested value cannot overflow the stack.
  const stack: unknown[] = [];
  for (const key of Object.keys(event)) if (!NAMED_FIELDS.has(key)) stack.push(event[key]);
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (found(value)) return true;
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
    } else if (typeof value === 'object' && value !== null) {
      // Own keys only: nothing inherited (`constructor`, `__proto__`'s accessor) is a value.
      for (const key of Object.keys(value)) stack.push((value as Record<string, unknown>)[key]);
    }
  }
  return false;
}

/**
 * True when each `extras` key is a top-level field of the event whose value, as text, equals
 * the given value: a string as it is, a number or a boolean as its JSON text (`3`, `1.5`,
 * `true`). `null`, objects and arrays never equal. A core field's name (`event_id`, `level`, ...)
 * is no extra field: it matches nothing. Only own fields count (`constructor` is not one).
 */
export function extrasMatch(
  extras: Readonly<Record<string, string>>,
  event: OrchestratorEvent,
): boolean {
  for (const key of Object.keys(extras)) {
    if (CORE_FIELDS.has(key) || !Object.prototype.hasOwnProperty.call(event, key)) return false;
    if (extraText(event[key]) !== extras[key]) return false;
  }
  return true;
}

/** The text an extra field's value is compared as, or `undefined` when it has none. */
export function extraText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' && Number.isFinite(value)) return JSON.stringify(value);
  return undefined;
}
