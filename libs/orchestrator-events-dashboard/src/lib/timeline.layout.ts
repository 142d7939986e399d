import { RunSummary } from './run-summary.store';
import { TimeWindow, WINDOW_MS } from './url.state';

/** At most `max` of `marks`, evenly spread, always with the last (the latest step). */
export function pickMarks(marks: readonly number[], max: number): readonly number[] {
  if (marks.length <= max) return marks;
  const picked: number[] = [];
  for (let i = 1; i <= max; i++) picked.push(marks[Math.round((i * marks.length) / max) - 1]);
  return picked;
}

/** Progress for a label: `3/5` when the total is known, `step 3`, or nothing. */
export function progressText(run: RunSummary): string {
  if (run.steps !== undefined) return `${run.step}/${run.steps}`;
  return run.step > 0 ? `step ${run.step}` : '';
}

/** The time span drawn, in ms since the epoch. */
export interface TimeRange {
  fromMs: number;
  toMs: number;
}

/** One line of the timeline: a run. */
export type TimelineRow = { kind: 'run'; run: RunSummary };

/** Shortest span of the `auto` window, so that a run of a second is a bar, not the whole width. */
export const MIN_AUTO_SPAN_MS = 60_000;
/**
 * Longest span of the `auto` window: a run from half an hour ago (or one stuck running) must not
 * squeeze the runs of seconds into slivers; it is drawn cut at the left edge instead.
 */
export const MAX_AUTO_SPAN_MS = 15 * 60_000;
/** Runs that ended this long ago are still "recent": the `auto` window keeps them in view. */
export const RECENT_MS = 5 * 60_000;
/** Label of runs logged without a task_id. */
export const NO_TASK = '(no task)';

/** Where a run's bar ends: its end, now while it runs, else its last event. */
export function runEndMs(run: RunSummary, nowMs: number): number {
  if (run.endMs !== undefined) return run.endMs;
  return run.status === 'running' ? Math.max(nowMs, run.lastMs) : run.lastMs;
}

/** How long the run took (or has been running): `duration_ms` when it logged one. */
export function runDurationMs(run: RunSummary, nowMs: number): number {
  return run.durationMs ?? runEndMs(run, nowMs) - run.startMs;
}

/**
 * The span the timeline and the rate chart show: a zoomed span as chosen, the chosen window ending
 * now, or for `auto` from the start of the earliest active or recent run (running, or ended within
 * `RECENT_MS`), between `MIN_AUTO_SPAN_MS` and `MAX_AUTO_SPAN_MS`; with no recent run, the latest
 * run's start.
 */
export function timeRange(
  window: TimeWindow,
  runs: readonly RunSummary[],
  nowMs: number,
  zoom?: TimeRange,
): TimeRange {
  if (zoom !== undefined) return { fromMs: zoom.fromMs, toMs: zoom.toMs };
  if (window !== 'auto') return { fromMs: nowMs - WINDOW_MS[window], toMs: nowMs };
  let earliest = nowMs;
  let latestStart = -Infinity;
  for (const run of runs) {
    if (run.startMs > latestStart) latestStart = run.startMs;
    const recent = run.status === 'running' || runEndMs(run, nowMs) >= nowMs - RECENT_MS;
    if (recent && run.startMs < earliest) earliest = run.startMs;
  }
  if (earliest === nowMs && latestStart > -Infinity) earliest = latestStart;
  const span = Math.min(MAX_AUTO_SPAN_MS, Math.max(MIN_AUTO_SPAN_MS, (nowMs - earliest) * 1.05));
  return { fromMs: nowMs - span, toMs: nowMs };
}

/** Whether a run shows in the range: it overlaps it. */
export function inRange(run: RunSummary, range: TimeRange, nowMs: number): boolean {
  return run.startMs <= range.toMs && runEndMs(run, nowMs) >= range.fromMs;
}

/**
 * The rows: runs that overlap the range, by start time (then run id), so that a row never moves
 * while runs go on: a new run is appended at the bottom.
 */
export function timelineRows(
  runs: readonly RunSummary[],
  range: TimeRange,
  nowMs: number,
): TimelineRow[] {
  const shown = runs.filter((run) => inRange(run, range, nowMs));
  shown.sort((a, b) => a.startMs - b.startMs || a.runId.localeCompare(b.runId));
  return shown.map((run) => ({ kind: 'run', run }));
}

/**
 * How many rows `next` has above the row at the top of the view in `previous` (scrolled
 * `scrollTopPx` down, rows `rowHeight` px high) more than `previous` had: rows inserted above
 * it, which would push the rows in view down. 0 when that row is not in `next` any more.
 */
export function rowsInsertedAbove(
  previous: readonly TimelineRow[],
  next: readonly TimelineRow[],
  scrollTopPx: number,
  rowHeight: number,
): number {
  const top = Math.floor(scrollTopPx / rowHeight);
  const anchor = previous[top]?.run.runId;
  if (anchor === undefined || next[top]?.run.runId === anchor) return 0;
  const at = next.findIndex((row) => row.run.runId === anchor);
  return Math.max(0, at - top);
}

/** `previous` in its order (runs no longer listed kept), then the rows of `next` it lacked. */
export function keepRows(
  previous: readonly TimelineRow[],
  next: readonly TimelineRow[],
): TimelineRow[] {
  const known = new Set(previous.map((row) => row.run.runId));
  return [...previous, ...next.filter((row) => !known.has(row.run.runId))];
}

/** Runs, running and failed among `runs`: the numbers of a summary. */
export function countRuns(runs: readonly RunSummary[]): {
  runs: number;
  running: number;
  failed: number;
} {
  let running = 0;
  let failed = 0;
  for (const run of runs) {
    if (run.status === 'running') running++;
    else if (run.status === 'failed') failed++;
  }
  return { runs: runs.length, running, failed };
}

/** `1 run`, `2 runs`: a count with its noun, singular for one. */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${new Intl.NumberFormat('en-US').format(n)} ${n === 1 ? noun : nouns}`;
}

/** A bar in fractions of the track's width (0 = range start, 1 = now), and its step marks. */
export interface BarGeometry {
  left: number;
  width: number;
  /** The run began before the range: the bar's left edge is cut. */
  cutStart: boolean;
  /** Step marks inside the range, as fractions of the track. */
  marks: number[];
}

export function barGeometry(run: RunSummary, range: TimeRange, nowMs: number): BarGeometry {
  const span = Math.max(1, range.toMs - range.fromMs);
  const at = (ms: number) => Math.min(1, Math.max(0, (ms - range.fromMs) / span));
  const left = at(run.startMs);
  const right = at(runEndMs(run, nowMs));
  const marks: number[] = [];
  for (const t of run.marks) if (t >= range.fromMs && t <= range.toMs) marks.push(at(t));
  return { left, width: Math.max(0, right - left), cutStart: run.startMs < range.fromMs, marks };
}

const DAY_MS = 86_400_000;
const TICK_STEPS_MS = [
  1_000,
  2_000,
  5_000,
  10_000,
  15_000,
  30_000,
  60_000,
  120_000,
  300_000,
  600_000,
  900_000,
  1_800_000,
  3_600_000,
  7_200_000,
  21_600_000,
  43_200_000,
  DAY_MS,
];

/** Whether the range crosses a day (UTC): times then need their date to be read right. */
export function crossesDay(range: TimeRange): boolean {
  return Math.floor(range.fromMs / DAY_MS) !== Math.floor(range.toMs / DAY_MS);
}

/** One axis label: its time, where it is (a fraction of the track) and its text. */
export interface AxisTick {
  ms: number;
  at: number;
  label: string;
}

/**
 * Round times for the axis, about `target` of them. The timeline and the rate chart both take
 * these, so their labels stand at the same times. When the range crosses a day, the first label
 * and every midnight carry the date (`12-06 00:00`).
 */
export function axisTicks(range: TimeRange, target = 6): AxisTick[] {
  const span = Math.max(1, range.toMs - range.fromMs);
  const step = TICK_STEPS_MS.find((s) => span / s <= target) ?? DAY_MS;
  const dated = crossesDay(range);
  const ticks: AxisTick[] = [];
  for (let t = Math.ceil(range.fromMs / step) * step; t <= range.toMs; t += step) {
    const iso = new Date(t).toISOString();
    const time = step < 60_000 ? iso.slice(11, 19) : iso.slice(11, 16);
    const withDate = dated && (ticks.length === 0 || t % DAY_MS === 0);
    ticks.push({
      ms: t,
      at: (t - range.fromMs) / span,
      label: withDate ? `${iso.slice(5, 10)} ${time}` : time,
    });
  }
  return ticks;
}
