import { isPlainJsonString } from './json-string';

/** What the builder writes for a string: the fast path when it says plain, else JSON.stringify. */
function written(text: string): string {
  return isPlainJsonString(text) ? `"${text}"` : JSON.stringify(text);
}

/** Strings where a fast path that skipped JSON.stringify could go wrong, and plain ones it takes. */
const TRICKY: readonly string[] = [
  '',
  'plain',
  'Job completed successfully',
  'say "hi"',
  '"',
  'back\\slash',
  '\\',
  'tab\there',
  'new\nline',
  'cr\r',
  '\u0000',
  '\u001f',
  '\u0008\u000c',
  ' ',
  '\u007f',
  'line\u2028separator',
  'paragraph\u2029separator',
  'lone high \ud800',
  'lone low \udc00',
  '\udfff',
  'reversed pair \udc00\ud800',
  'pair \ud83d\ude00',
  'café',
  '日本語',
  'ÿ\u0100',
  '</script>',
  'x'.repeat(128),
  'x'.repeat(127) + '"',
  'x'.repeat(129),
  'x'.repeat(500) + '\n',
  '\ud800'.repeat(130),
];

describe('isPlainJsonString', () => {
  it.each(TRICKY.map((text) => [JSON.stringify(text), text]))(
    'writes %s exactly as JSON.stringify does',
    (_name, text) => {
      expect(written(text)).toBe(JSON.stringify(text));
      expect(JSON.parse(written(text))).toBe(text);
      // Plain exactly when JSON.stringify adds only the quotes, short enough to scan and without
      // surrogates (a valid pair is left to JSON.stringify too: checking pairs is not worth it).
      const plain =
        JSON.stringify(text) === `"${text}"` && !/[\ud800-\udfff]/.test(text) && text.length <= 128;
      expect(isPlainJsonString(text)).toBe(plain);
    },
  );

  it('agrees with JSON.stringify on every single UTF-16 unit', () => {
    for (let c = 0; c <= 0xffff; c++) {
      const text = `a${String.fromCharCode(c)}b`;
      if (written(text) !== JSON.stringify(text)) {
        throw new Error(`differs at U+${c.toString(16).padStart(4, '0')}`);
      }
      if (isPlainJsonString(text) !== (JSON.stringify(text) === `"${text}"`)) {
        throw new Error(`plain or not, wrongly, at U+${c.toString(16).padStart(4, '0')}`);
      }
    }
  });
});
