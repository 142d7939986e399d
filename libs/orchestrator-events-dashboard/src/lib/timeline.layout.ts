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

/** One line of the timeline: a task heading, or a run under it. */
export type TimelineRow =
  | { kind: 'task'; taskId: string; runs: number; running: number; failed: number }
  | { kind: 'run'; run: RunSummary };

/** Shortest span of the `auto` window, so that a run of a second is a bar, not the whole width. */
export const MIN_AUTO_SPAN_MS = 60_000;
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
 * The span the timeline and the rate chart show: the chosen window ending now, or for `auto` from
 * the earliest run kept (at least `MIN_AUTO_SPAN_MS`).
 */
export function timeRange(
  window: TimeWindow,
  runs: readonly RunSummary[],
  nowMs: number,
): TimeRange {
  if (window !== 'auto') return { fromMs: nowMs - WINDOW_MS[window], toMs: nowMs };
  let earliest = nowMs;
  for (const run of runs) if (run.startMs < earliest) earliest = run.startMs;
  const span = Math.max(MIN_AUTO_SPAN_MS, (nowMs - earliest) * 1.05);
  return { fromMs: nowMs - span, toMs: nowMs };
}

/**
 * The rows: runs that overlap the range, grouped by task. Tasks with the latest activity first;
 * within a task, the latest start first.
 */
export function timelineRows(
  runs: readonly RunSummary[],
  range: TimeRange,
  nowMs: number,
): TimelineRow[] {
  const byTask = new Map<string, RunSummary[]>();
  for (const run of runs) {
    if (run.startMs > range.toMs || runEndMs(run, nowMs) < range.fromMs) continue;
    const task = run.taskId ?? NO_TASK;
    let list = byTask.get(task);
    if (list === undefined) byTask.set(task, (list = []));
    list.push(run);
  }
  // Each task's latest activity, computed once (not in the comparator).
  const tasks = [...byTask.entries()].map(([taskId, list]) => {
    let latest = -Infinity;
    for (const run of list) if (run.lastMs > latest) latest = run.lastMs;
    return { taskId, list, latest };
  });
  tasks.sort((a, b) => b.latest - a.latest || a.taskId.localeCompare(b.taskId));
  const rows: TimelineRow[] = [];
  for (const { taskId, list } of tasks) {
    list.sort((a, b) => b.startMs - a.startMs || a.runId.localeCompare(b.runId));
    let running = 0;
    let failed = 0;
    for (const run of list) {
      if (run.status === 'running') running++;
      else if (run.status === 'failed') failed++;
    }
    rows.push({ kind: 'task', taskId, runs: list.length, running, failed });
    for (const run of list) rows.push({ kind: 'run', run });
  }
  return rows;
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

/** Round times for the axis, about `target` of them, as fractions of the track plus a label. */
export function axisTicks(range: TimeRange, target = 6): { at: number; label: string }[] {
  const span = Math.max(1, range.toMs - range.fromMs);
  const step = TICK_STEPS_MS.find((s) => span / s <= target) ?? DAY_MS;
  const ticks: { at: number; label: string }[] = [];
  for (let t = Math.ceil(range.fromMs / step) * step; t <= range.toMs; t += step) {
    const iso = new Date(t).toISOString();
    ticks.push({
      at: (t - range.fromMs) / span,
      label: step < 60_000 ? iso.slice(11, 19) : iso.slice(11, 16),
    });
  }
  return ticks;
}
