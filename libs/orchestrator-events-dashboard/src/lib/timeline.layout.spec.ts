import { RunSummary } from './run-summary.store';
import {
  axisTicks,
  barGeometry,
  countRuns,
  keepRows,
  rowsInsertedAbove,
  MAX_AUTO_SPAN_MS,
  MIN_AUTO_SPAN_MS,
  pickMarks,
  plural,
  runDurationMs,
  timelineRows,
  timeRange,
} from './timeline.layout';

const NOW = 1_790_000_060_000;

function run(fields: Partial<RunSummary> & { runId: string }): RunSummary {
  return {
    taskId: 'task-a',
    startMs: NOW - 10_000,
    endMs: undefined,
    lastMs: NOW - 1000,
    status: 'running',
    statusText: 'running',
    step: 0,
    steps: undefined,
    marks: [],
    reason: undefined,
    durationMs: undefined,
    events: 1,
    lastEventId: '',
    matched: false,
    ...fields,
  };
}

describe('timeline layout', () => {
  it('ends the range now: a fixed window, or auto from the earliest run, at least a minute', () => {
    expect(timeRange('5m', [], NOW)).toEqual({ fromMs: NOW - 300_000, toMs: NOW });
    expect(timeRange('auto', [run({ runId: 'a' })], NOW)).toEqual({
      fromMs: NOW - MIN_AUTO_SPAN_MS,
      toMs: NOW,
    });
    const old = timeRange('auto', [run({ runId: 'a', startMs: NOW - 600_000 })], NOW);
    expect(old.fromMs).toBeLessThan(NOW - 600_000);
  });

  it('fits auto to the active and recent runs: a run from half an hour ago does not widen it', () => {
    const recent = run({
      runId: 'recent',
      startMs: NOW - 40_000,
      endMs: NOW - 20_000,
      lastMs: NOW - 20_000,
      status: 'success',
    });
    const old = run({
      runId: 'old',
      startMs: NOW - 1_800_000,
      endMs: NOW - 1_780_000,
      lastMs: NOW - 1_780_000,
      status: 'failed',
    });
    expect(timeRange('auto', [old, recent], NOW)).toEqual({
      fromMs: NOW - MIN_AUTO_SPAN_MS,
      toMs: NOW,
    });
    // Nothing recent: the latest run's start, and never more than MAX_AUTO_SPAN_MS.
    expect(timeRange('auto', [old], NOW).fromMs).toBe(NOW - MAX_AUTO_SPAN_MS);
    const stuck = run({ runId: 'stuck', startMs: NOW - 3_600_000 });
    expect(timeRange('auto', [stuck, recent], NOW).fromMs).toBe(NOW - MAX_AUTO_SPAN_MS);
    // A zoom is drawn as chosen, whatever the window.
    const zoom = { fromMs: NOW - 90_000, toMs: NOW - 30_000 };
    expect(timeRange('5m', [recent], NOW, zoom)).toEqual(zoom);
  });

  it('draws a running bar up to now, so it grows; an ended one up to its end', () => {
    const range = { fromMs: NOW - 60_000, toMs: NOW };
    const running = run({
      runId: 'a',
      startMs: NOW - 30_000,
      lastMs: NOW - 20_000,
      marks: [NOW - 20_000],
    });
    expect(barGeometry(running, range, NOW)).toEqual({
      left: 0.5,
      width: 0.5,
      cutStart: false,
      marks: [40_000 / 60_000],
    });
    expect(barGeometry(running, range, NOW - 15_000).width).toBeCloseTo(0.25);
    const ended = run({
      runId: 'b',
      startMs: NOW - 30_000,
      endMs: NOW - 15_000,
      status: 'success',
    });
    expect(barGeometry(ended, range, NOW).width).toBeCloseTo(0.25);
    const cut = barGeometry(run({ runId: 'c', startMs: NOW - 90_000 }), range, NOW);
    expect([cut.left, cut.width, cut.cutStart]).toEqual([0, 1, true]);
  });

  it('uses the logged duration when there is one', () => {
    expect(runDurationMs(run({ runId: 'a', durationMs: 1234 }), NOW)).toBe(1234);
    expect(runDurationMs(run({ runId: 'a', startMs: NOW - 5000 }), NOW)).toBe(5000);
  });

  it('lists the runs in the range by start time, so a new run is appended and none moves', () => {
    const runs = [
      run({
        runId: 'a1',
        taskId: 'a',
        startMs: NOW - 20_000,
        lastMs: NOW - 19_000,
        endMs: NOW - 19_000,
        status: 'success',
      }),
      run({ runId: 'b1', taskId: 'b', startMs: NOW - 10_000, lastMs: NOW - 1000 }),
      run({
        runId: 'a2',
        taskId: 'a',
        startMs: NOW - 5000,
        lastMs: NOW - 4000,
        endMs: NOW - 4000,
        status: 'failed',
      }),
      run({
        runId: 'gone',
        taskId: 'c',
        startMs: NOW - 200_000,
        lastMs: NOW - 190_000,
        endMs: NOW - 190_000,
        status: 'success',
      }),
    ];
    const range = { fromMs: NOW - 60_000, toMs: NOW };
    const ids = (list: typeof runs) => timelineRows(list, range, NOW).map((r) => r.run.runId);
    expect(ids(runs)).toEqual(['a1', 'b1', 'a2']);
    // Activity in an older run (b1 logs a step) moves nothing; a new run goes last.
    runs[1].lastMs = NOW;
    runs.push(run({ runId: 'c2', taskId: 'c', startMs: NOW - 1000 }));
    expect(ids(runs)).toEqual(['a1', 'b1', 'a2', 'c2']);
    expect(countRuns(timelineRows(runs, range, NOW).map((r) => r.run))).toEqual({
      runs: 4,
      running: 2,
      failed: 1,
    });
  });

  it('keeps the rows under the pointer: none leaves or moves, new ones are appended', () => {
    const row = (runId: string) => ({ kind: 'run' as const, run: run({ runId }) });
    const kept = keepRows([row('a'), row('b')], [row('b'), row('c')]);
    expect(kept.map((r) => r.run.runId)).toEqual(['a', 'b', 'c']);
  });

  it('counts the rows inserted above the top row in view (older runs read page by page)', () => {
    const rows = (...ids: string[]) =>
      ids.map((runId) => ({ kind: 'run' as const, run: run({ runId }) }));
    const before = rows('c', 'd', 'e', 'f');
    // Scrolled to the third row (e), two rows of 22 px above it.
    expect(rowsInsertedAbove(before, rows('a', 'b', 'c', 'd', 'e', 'f'), 44, 22)).toBe(2);
    // Appended below, or nothing new: the rows in view stay put.
    expect(rowsInsertedAbove(before, rows('c', 'd', 'e', 'f', 'g'), 44, 22)).toBe(0);
    // The top row left the list (the window slid): nothing to hold.
    expect(rowsInsertedAbove(before, rows('a', 'f'), 44, 22)).toBe(0);
    expect(rowsInsertedAbove([], rows('a'), 0, 22)).toBe(0);
  });

  it('says 1 run, 2 runs', () => {
    expect(plural(1, 'run')).toBe('1 run');
    expect(plural(0, 'run')).toBe('0 runs');
    expect(plural(1234, 'event')).toBe('1,234 events');
  });

  it('dates the first label and midnight when the range crosses a day', () => {
    const midnight = Date.UTC(2026, 11, 6);
    const ticks = axisTicks({ fromMs: midnight - 3 * 3_600_000, toMs: midnight + 3 * 3_600_000 });
    expect(ticks[0].label).toMatch(/^12-05 \d\d:\d\d$/);
    expect(ticks.find((t) => t.ms === midnight)?.label).toBe('12-06 00:00');
    expect(ticks.filter((t) => t.label.includes('-'))).toHaveLength(2);
    expect(axisTicks({ fromMs: midnight + 60_000, toMs: midnight + 120_000 })[0].label).toMatch(
      /^\d\d:\d\d:\d\d$/,
    );
  });

  it('puts round ticks on the axis', () => {
    const ticks = axisTicks({ fromMs: NOW - 60_000, toMs: NOW });
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    expect(ticks.length).toBeLessThanOrEqual(7);
    expect(ticks.every((t) => t.at >= 0 && t.at <= 1)).toBe(true);
    expect(ticks[0].label).toMatch(/^\d\d:\d\d:\d\d$/);
  });
});

describe('pickMarks', () => {
  it('keeps all marks up to the limit, else an even pick ending with the latest', () => {
    expect(pickMarks([1, 2, 3], 5)).toEqual([1, 2, 3]);
    const many = Array.from({ length: 48 }, (_, i) => i + 1);
    const picked = pickMarks(many, 16);
    expect(picked).toHaveLength(16);
    expect(picked[0]).toBe(3);
    expect(picked.at(-1)).toBe(48);
  });
});
