/**
 * Strings up to this length are scanned in JS; longer ones go to `JSON.stringify`, whose native
 * scan wins once the call's fixed cost is spread over enough characters.
 */
const SCAN_MAX_LENGTH = 128;

/**
 * `JSON.stringify(text)`, the same text, without the call for a string that needs no escaping (most
 * event fields: ids, statuses, messages): one scan for what JSON escapes (`"`, `\`, controls below
 * U+0020) or may escape (any surrogate: a lone one is written as `\udxxx`), else quotes around it.
 */
export function jsonString(text: string): string {
  if (text.length > SCAN_MAX_LENGTH) return JSON.stringify(text);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) {
      return JSON.stringify(text);
    }
  }
  return `"${text}"`;
}
