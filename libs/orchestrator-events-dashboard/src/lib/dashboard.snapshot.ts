import { HistoryWindowData } from './history.window';
import { RunSummary } from './run-summary.store';

/** What the page exposes as `window.__orchDashboard`, for tests and a look from the devtools. */
export interface DashboardSnapshot {
  received: number;
  kept: number;
  eventIds: string[];
  levelTotals: Record<string, number>;
  runs: { runId: string; status: string; step: number; steps?: number; reason?: string }[];
  state: string;
  /** Longest redraw of each part so far, in ms. */
  longestRenderMs: Record<string, number>;
  /** The window of days shown, as read from the server (absent in the live windows). */
  history?: {
    since: string;
    until: string;
    runs: number;
    capped: boolean;
    bucket: number;
    /** Every page of runs is read (false while older ones are still being read). */
    complete: boolean;
  };
}

/** A run as the snapshot lists it. */
export function runSnapshot(run: RunSummary): DashboardSnapshot['runs'][number] {
  return {
    runId: run.runId,
    status: run.status,
    step: run.step,
    ...(run.steps !== undefined ? { steps: run.steps } : {}),
    ...(run.reason !== undefined ? { reason: run.reason } : {}),
  };
}

/** The window of days shown, as the snapshot gives it. */
export function historySnapshot(shown: HistoryWindowData): DashboardSnapshot['history'] {
  return {
    since: new Date(shown.range.fromMs).toISOString(),
    until: new Date(shown.range.toMs).toISOString(),
    runs: shown.runs.length,
    capped: shown.capped,
    bucket: shown.bucketS,
    complete: shown.complete,
  };
}
