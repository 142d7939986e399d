/**
 * Strings up to this length are scanned in JS; longer ones go to `JSON.stringify`, whose native
 * scan wins once the call's fixed cost is spread over enough characters.
 */
const SCAN_MAX_LENGTH = 128;

/**
 * True when `JSON.stringify(text)` is `text` between two quotes: nothing JSON escapes (`"`, `\`,
 * controls below U+0020) or may escape (any surrogate: a lone one is written as `\udxxx`), and short
 * enough for the scan to beat the call. Most event fields (ids, statuses, messages) are.
 */
export function isPlainJsonString(text: string): boolean {
  return text.length <= SCAN_MAX_LENGTH && !ESCAPED.test(text);
}

/**
 * What JSON escapes or may escape. A native regex rather than a `charCodeAt` loop: the loop was as
 * fast only while V8 kept it inlined, and in a process that also ran BullMQ's code it did not
 * (13 times the time, benchmark figure 14).
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes.
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;
