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
  if (text.length > SCAN_MAX_LENGTH) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}
