import { listLayout } from './virtual-list.layout';

describe('listLayout', () => {
  const base = { count: 10_000, rowHeight: 20, viewportHeight: 100, overscan: 0 };

  it('draws only the rows on screen', () => {
    const layout = listLayout({ ...base, scrollTop: 0 });
    expect([layout.first, layout.end, layout.totalHeight]).toEqual([0, 5, 200_000]);
    const scrolled = listLayout({ ...base, scrollTop: 1010 });
    expect([scrolled.first, scrolled.end]).toEqual([50, 56]);
    expect(scrolled.top(50)).toBe(1000);
  });

  it('adds overscan within bounds', () => {
    const layout = listLayout({ ...base, scrollTop: 0, overscan: 3 });
    expect([layout.first, layout.end]).toEqual([0, 8]);
    const end = listLayout({ ...base, scrollTop: 200_000 - 100, overscan: 3 });
    expect(end.end).toBe(10_000);
  });

  it('places rows below an expanded row lower by its extra height', () => {
    const layout = listLayout({ ...base, scrollTop: 0, extras: [{ index: 1, extra: 60 }] });
    expect([layout.top(0), layout.top(1), layout.top(2), layout.top(3)]).toEqual([0, 20, 100, 120]);
    expect(layout.totalHeight).toBe(200_060);
    expect([layout.first, layout.end]).toEqual([0, 2]);
    const below = listLayout({ ...base, scrollTop: 100, extras: [{ index: 1, extra: 60 }] });
    expect([below.first, below.end]).toEqual([2, 7]);
  });

  it('handles an empty list and extras beyond it', () => {
    const layout = listLayout({
      ...base,
      count: 0,
      scrollTop: 0,
      extras: [{ index: 5, extra: 9 }],
    });
    expect([layout.first, layout.end, layout.totalHeight]).toEqual([0, 0, 0]);
  });
});
