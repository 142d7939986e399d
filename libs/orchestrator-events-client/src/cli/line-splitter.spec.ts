import { LineSplitter } from './line-splitter';

describe('LineSplitter', () => {
  it('returns complete lines and keeps the unfinished tail', () => {
    const splitter = new LineSplitter();
    expect(splitter.push(Buffer.from('a\nb\r\nc'))).toEqual(['a', 'b']);
    expect(splitter.push(Buffer.from('d\n\n'))).toEqual(['cd', '']);
    expect(splitter.flush()).toBeUndefined();
    splitter.push(Buffer.from('tail'));
    expect(splitter.flush()).toBe('tail');
  });

  it('decodes a multi-byte character split between two chunks', () => {
    const bytes = Buffer.from('é€\n');
    const splitter = new LineSplitter();
    expect(splitter.push(bytes.subarray(0, 1))).toEqual([]);
    expect(splitter.push(bytes.subarray(1, 3))).toEqual([]);
    expect(splitter.push(bytes.subarray(3))).toEqual(['é€']);
  });
});
