import {
  CORE_FIELDS,
  EventFilter,
  MAX_EXTRAS_FILTERS,
  MAX_EXTRAS_KEY_LENGTH,
  MAX_EXTRAS_VALUE_LENGTH,
  MAX_SEARCH_LENGTH,
  MAX_SEARCH_WORDS,
  searchWords,
} from '@orchestrator/events-contract';
import { MESSAGES } from '../shared/orchestrator-events.messages';
import type { ParamDoc } from './events-query.rules';

/**
 * The search parameters of the events endpoints (`q`, `extras.<key>`), kept apart from the other
 * rules: `extras.` is a family of parameters, not one name. The bounds (in characters, code
 * points) come from the contract, which the client checks too.
 */

/** The prefix of an extra-field criterion: `extras.region=eu`. */
export const EXTRAS_PREFIX = 'extras.';

/** Characters (code points) in `text`. */
function length(text: string): number {
  return Array.from(text).length;
}

/** True when `text` holds a control character (U+0000-U+001F, U+007F): no field name does. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** `q`: given once, 1-`MAX_SEARCH_LENGTH` characters, 1-`MAX_SEARCH_WORDS` words. */
export function readSearch(values: string[], out: { filter: EventFilter }): boolean {
  if (values.length !== 1) return false;
  const [q] = values;
  const words = searchWords(q).length;
  if (length(q) > MAX_SEARCH_LENGTH || words < 1 || words > MAX_SEARCH_WORDS) return false;
  out.filter.q = q;
  return true;
}

/** True for a parameter of the `extras.` family (valid or not: `readExtras` judges it). */
export function isExtrasParam(name: string): boolean {
  return name.startsWith(EXTRAS_PREFIX);
}

/**
 * Reads every `extras.<key>` parameter into `filter.extras` (an object without a prototype, so a
 * key such as `__proto__` is a key like any other). Returns the errors, each naming its parameter.
 */
export function readExtras(given: ReadonlyMap<string, string[]>, filter: EventFilter): string[] {
  const errors: string[] = [];
  const extras = Object.create(null) as Record<string, string>;
  let count = 0;
  for (const [param, values] of given) {
    if (!isExtrasParam(param)) continue;
    count++;
    const key = param.slice(EXTRAS_PREFIX.length);
    if (
      key === '' ||
      length(key) > MAX_EXTRAS_KEY_LENGTH ||
      hasControl(key) ||
      CORE_FIELDS.has(key)
    ) {
      errors.push(MESSAGES.badExtrasKey(param));
    } else if (values.length > 1) {
      // The words of every other repeated parameter.
      errors.push(MESSAGES.queryParamRepeated(param, values.length));
    } else if (length(values[0]) > MAX_EXTRAS_VALUE_LENGTH) {
      errors.push(MESSAGES.badExtrasValue(param));
    } else {
      extras[key] = values[0];
    }
  }
  if (count > MAX_EXTRAS_FILTERS) errors.push(MESSAGES.tooManyExtras(MAX_EXTRAS_FILTERS));
  if (count > 0 && errors.length === 0) filter.extras = extras;
  return errors;
}

/** OpenAPI description of `q`. */
export const SEARCH_DOC: ParamDoc = {
  description:
    `Search: every whitespace-separated word (at most ${MAX_SEARCH_WORDS}, ` +
    `${MAX_SEARCH_LENGTH} characters in all) appears, case-insensitively, in the message or in ` +
    'a string value of the extra fields at any depth',
  example: 'quota exceeded',
};

/** OpenAPI description of the `extras.<key>` family. */
export const EXTRAS_PARAM_DOC: ParamDoc & { name: string } = {
  name: 'extras.{key}',
  description:
    `A top-level extra field equals this value (numbers and booleans as their JSON text); at ` +
    `most ${MAX_EXTRAS_FILTERS}, keys up to ${MAX_EXTRAS_KEY_LENGTH} and values up to ` +
    `${MAX_EXTRAS_VALUE_LENGTH} characters`,
  example: 'eu-west-1',
};
