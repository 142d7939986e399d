import { EventWindow } from './event.window';

describe('EventWindow', () => {
  it('keeps the newest items, newest at rank 0, and counts every item received', () => {
    const window = new EventWindow<number>(3);
    for (let i = 1; i <= 5; i++) window.push(i);
    expect(window.size).toBe(3);
    expect(window.received).toBe(5);
    expect([0, 1, 2, 3].map((i) => window.at(i))).toEqual([5, 4, 3, undefined]);
    expect(window.toArray()).toEqual([3, 4, 5]);
    window.clear();
    expect([window.size, window.received, window.at(0)]).toEqual([0, 0, undefined]);
  });

  it('stays within its capacity under a long stream', () => {
    const window = new EventWindow<{ n: number }>(1000);
    for (let n = 0; n < 100_000; n++) window.push({ n });
    expect(window.size).toBe(1000);
    expect(window.at(0)).toEqual({ n: 99_999 });
    expect(window.at(999)).toEqual({ n: 99_000 });
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new EventWindow(0)).toThrow(RangeError);
  });
});
