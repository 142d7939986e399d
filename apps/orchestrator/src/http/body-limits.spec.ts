import { jsonDeeperThan, MAX_JSON_DEPTH, verifyJsonBody } from './body-limits';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('jsonDeeperThan', () => {
  it('counts arrays and objects together, up to the limit inclusive', () => {
    expect(MAX_JSON_DEPTH).toBe(64);
    expect(jsonDeeperThan(bytes(nested(64)))).toBe(false);
    expect(jsonDeeperThan(bytes(nested(65)))).toBe(true);
    expect(jsonDeeperThan(bytes('{"a":[{"b":[1]}]}'), 4)).toBe(false);
    expect(jsonDeeperThan(bytes('{"a":[{"b":[1]}]}'), 3)).toBe(true);
  });

  it('measures depth, not the number of containers', () => {
    const wide = `[${Array.from({ length: 10_000 }, () => '{"a":[1]}').join(',')}]`;
    expect(jsonDeeperThan(bytes(wide), 3)).toBe(false);
  });

  it('skips brackets inside strings, escaped quotes included', () => {
    expect(jsonDeeperThan(bytes(JSON.stringify({ s: '[[[[{{{{' })), 1)).toBe(false);
    expect(jsonDeeperThan(bytes(JSON.stringify({ s: 'say "[[[" \\ [' })), 1)).toBe(false);
    // After the string ends, brackets count again.
    expect(jsonDeeperThan(bytes('[{"s":"\\"["},[[1]]]'), 3)).toBe(false);
    expect(jsonDeeperThan(bytes('[{"s":"\\"["},[[1]]]'), 2)).toBe(true);
    expect(jsonDeeperThan(bytes(JSON.stringify({ s: 'é[ü{€' })), 1)).toBe(false);
  });

  it('reads 5,000 levels without recursion', () => {
    const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    expect(jsonDeeperThan(bytes(deep))).toBe(true);
  });
});

describe('verifyJsonBody', () => {
  const verify =
    (text: string, encoding: string | null = 'utf-8') =>
    () =>
      verifyJsonBody(undefined as never, undefined as never, bytes(text), encoding);

  it('passes a body within the limit', () => {
    expect(verify('{"steps":3}')).not.toThrow();
  });

  it('refuses a deeper body with a 400 naming the limit', () => {
    expect(verify(nested(65))).toThrow(
      expect.objectContaining({
        status: 400,
        type: 'entity.too.deep',
        message: expect.stringContaining('at most 64 levels deep'),
      }),
    );
  });

  it('refuses another charset with a 415', () => {
    expect(verify('{}', 'utf-16le')).toThrow(expect.objectContaining({ status: 415 }));
  });
});
