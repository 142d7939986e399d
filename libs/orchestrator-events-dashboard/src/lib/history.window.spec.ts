import { RunRecord } from '@orchestrator/events-contract';
import { alignedRange, countsBucketS, CountsRate, runSummaryOf } from './history.window';
import { WINDOW_MS } from './url.state';

describe('history window', () => {
  it('chooses a bucket of about 2 px that divides the windows of days', () => {
    expect(countsBucketS(WINDOW_MS['24h'], 1000)).toBe(300);
    expect(countsBucketS(WINDOW_MS['6h'], 1000)).toBe(60);
    expect(countsBucketS(WINDOW_MS['7d'], 1000)).toBe(1800);
    // A narrow chart still gets 100 points at least.
    expect(countsBucketS(WINDOW_MS['24h'], 50)).toBe(900);
    for (const window of ['6h', '24h', '7d'] as const) {
      for (const width of [50, 600, 1000, 1800, 4000]) {
        const bucket = countsBucketS(WINDOW_MS[window], width);
        expect([window, width, WINDOW_MS[window] % (bucket * 1000)]).toEqual([window, width, 0]);
      }
    }
  });

  it('ends the window at the end of the bucket holding now', () => {
    const now = Date.parse('2026-12-06T02:07:11.000Z');
    expect(alignedRange(WINDOW_MS['24h'], 300, now)).toEqual({
      fromMs: Date.parse('2026-12-05T02:10:00.000Z'),
      toMs: Date.parse('2026-12-06T02:10:00.000Z'),
    });
  });

  it('turns counts into rates per second, empty buckets as 0, and totals a span', () => {
    const rate = new CountsRate({
      bucket: 60,
      buckets: [
        { start: '2026-12-06T00:00:00.000Z', counts: { INFO: 120, ERROR: 3 } },
        { start: '2026-12-06T00:02:00.000Z', counts: { INFO: 60, WARNING: 1 } },
      ],
    });
    const from = Date.parse('2026-12-06T00:00:00.000Z');
    const series = rate.series(from, from + 180_000);
    expect(series.bucketS).toBe(60);
    expect(series.x).toEqual([0, 60, 120].map((s) => from / 1000 + s));
    expect(series.perLevel.INFO).toEqual([2, 0, 1]);
    expect(series.perLevel.ERROR).toEqual([0.05, 0, 0]);
    expect(rate.totalsBetween(from, from + 180_000).counts).toEqual({
      DEBUG: 0,
      INFO: 180,
      WARNING: 1,
      ERROR: 3,
    });
    // A span counts the buckets that start in it.
    const later = rate.totalsBetween(from + 60_000, from + 180_000);
    expect(later.counts.INFO).toBe(60);
    expect(later.sinceMs).toBe(from + 60_000);
    expect(later.untilMs).toBe(from + 180_000);
  });

  it('draws a run record as the timeline draws a run', () => {
    const record: RunRecord = {
      run_id: 'r-1',
      task_id: 'etl',
      orch_id: 'o-1',
      status: 'failed',
      started_at: '2026-12-01T10:00:00.000Z',
      ended_at: '2026-12-01T10:00:20.000Z',
      duration_ms: 20_000,
      steps_done: 2,
      steps_total: 3,
      failure: 'disk full',
      first_event_id: 'a',
      last_event_id: 'b',
      events: 4,
    };
    const run = runSummaryOf(record);
    expect(run).toMatchObject({
      runId: 'r-1',
      taskId: 'etl',
      status: 'failed',
      startMs: Date.parse('2026-12-01T10:00:00.000Z'),
      endMs: Date.parse('2026-12-01T10:00:20.000Z'),
      step: 2,
      steps: 3,
      reason: 'disk full',
      durationMs: 20_000,
      events: 4,
      lastEventId: 'b',
    });
    const running = runSummaryOf({ ...record, status: 'running', ended_at: undefined });
    expect(running.endMs).toBeUndefined();
    expect(running.lastMs).toBe(running.startMs);
  });
});
