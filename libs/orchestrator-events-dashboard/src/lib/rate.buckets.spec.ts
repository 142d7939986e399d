import { MAX_POINTS, RATE_HORIZON_S, RateBuckets } from './rate.buckets';

const S = 1_790_000_000; // a second since the epoch

describe('RateBuckets', () => {
  it('counts events per second and level, with totals', () => {
    const rate = new RateBuckets();
    for (let i = 0; i < 10; i++) rate.add(S * 1000 + i * 100, 'INFO');
    rate.add(S * 1000 + 999, 'ERROR');
    rate.add((S + 2) * 1000, 'WARNING');
    const series = rate.series(S * 1000, (S + 2) * 1000);
    expect(series.x).toEqual([S, S + 1, S + 2]);
    expect(series.bucketS).toBe(1);
    expect(series.perLevel.INFO).toEqual([10, 0, 0]);
    expect(series.perLevel.ERROR).toEqual([1, 0, 0]);
    expect(series.perLevel.WARNING).toEqual([0, 0, 1]);
    expect(rate.totals).toEqual({ DEBUG: 0, INFO: 10, WARNING: 1, ERROR: 1 });
  });

  it('counts a window by whole seconds, and says which seconds (since inclusive, until exclusive)', () => {
    const rate = new RateBuckets();
    rate.add(S * 1000 - 1, 'INFO'); // the second before
    rate.add(S * 1000, 'INFO');
    rate.add((S + 1) * 1000 + 500, 'ERROR');
    rate.add((S + 2) * 1000, 'INFO'); // the second the window ends at: out
    const window = rate.totalsBetween(S * 1000 + 200, (S + 2) * 1000);
    expect(window).toEqual({
      counts: { DEBUG: 0, INFO: 1, WARNING: 0, ERROR: 1 },
      sinceMs: S * 1000,
      untilMs: (S + 2) * 1000,
      complete: true,
    });
    expect(rate.totalsBetween((S - 7200) * 1000, S * 1000).complete).toBe(false);
  });

  it('averages several seconds per point past MAX_POINTS', () => {
    const rate = new RateBuckets();
    for (let s = 0; s < 3600; s++) rate.add((S + s) * 1000, 'INFO');
    const series = rate.series(S * 1000, (S + 3599) * 1000);
    expect(series.x.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(series.bucketS).toBe(6);
    expect(series.perLevel.INFO.every((v) => v === 1)).toBe(true);
  });

  it('keeps one horizon of seconds in fixed memory, older events in the totals only', () => {
    const rate = new RateBuckets();
    rate.add(S * 1000, 'INFO');
    rate.add((S + RATE_HORIZON_S) * 1000, 'INFO'); // reuses the slot of S
    expect(rate.countAt(S, 'INFO')).toBe(0);
    expect(rate.countAt(S + RATE_HORIZON_S, 'INFO')).toBe(1);
    rate.add(S * 1000, 'INFO'); // now older than the horizon
    expect(rate.countAt(S + RATE_HORIZON_S, 'INFO')).toBe(1);
    expect(rate.totals.INFO).toBe(3);
    rate.clear();
    expect(rate.totals.INFO).toBe(0);
    expect(rate.countAt(S + RATE_HORIZON_S, 'INFO')).toBe(0);
  });
});
