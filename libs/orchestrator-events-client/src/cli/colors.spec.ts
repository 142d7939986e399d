import { ANSI, shouldColor } from './colors';

describe('shouldColor', () => {
  it('colours a terminal only, unless told otherwise', () => {
    expect(shouldColor({}, true)).toBe(true);
    expect(shouldColor({}, false)).toBe(false);
  });

  it('respects NO_COLOR (non-empty), TERM=dumb and FORCE_COLOR', () => {
    expect(shouldColor({ NO_COLOR: '1' }, true)).toBe(false);
    expect(shouldColor({ NO_COLOR: '' }, true)).toBe(true);
    expect(shouldColor({ TERM: 'dumb' }, true)).toBe(false);
    expect(shouldColor({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(shouldColor({ FORCE_COLOR: '0' }, false)).toBe(false);
  });

  it('lets an explicit --color win', () => {
    expect(shouldColor({ NO_COLOR: '1' }, false, true)).toBe(true);
  });

  it('wraps with SGR codes that reset only what they set', () => {
    expect(ANSI.red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(ANSI.bold('x')).toBe('\u001b[1mx\u001b[22m');
  });
});
