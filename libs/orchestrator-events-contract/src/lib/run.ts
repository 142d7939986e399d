import { EventFilter } from './event';

/** Where a run stands. */
export type RunStatus = 'running' | 'success' | 'failed';

/** Run statuses, in the order the API documents them. */
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'success', 'failed'];

/**
 * One run as a record: what its events say, folded by the run rules (one place, this package),
 * the same for the server (files or the history store) and the dashboard.
 */
export interface RunRecord {
  run_id: string;
  task_id?: string;
  orch_id: string;
  status: RunStatus;
  /** Timestamp of the run's first event (ISO 8601, microseconds, `Z`). */
  started_at: string;
  /** Timestamp of the event that ended it; absent while running. */
  ended_at?: string;
  /** `ended_at - started_at` in ms (or the final event's own `duration_ms`); absent while running. */
  duration_ms?: number;
  /** Highest `step` seen (0: none). */
  steps_done: number;
  /** `steps` as logged (the total), when known. */
  steps_total?: number;
  /** Why it failed: the failing event's `error.message`, `error`, `reason` or `message`. */
  failure?: string;
  first_event_id: string;
  last_event_id: string;
  /** Events of the run. */
  events: number;
}

/** A runs query: `GET /orchestrator/runs?task_id=&status=&since=&until=&limit=&before=`. */
export interface RunsQuery extends Pick<EventFilter, 'task_id'> {
  status?: RunStatus;
  /** Inclusive lower bound on `started_at` (ISO 8601 or Date). */
  since?: string | Date;
  /** Exclusive upper bound on `started_at` (ISO 8601 or Date). */
  until?: string | Date;
  /**
   * Cursor, a `run_id`: only runs that started before this run (by `started_at`, then `run_id`).
   * A run the source does not hold (rotated away) is refused (400), not an empty page.
   */
  before?: string;
  /** Page size, 1-1000. Default 100. */
  limit?: number;
}

/** One page of runs, newest first by `started_at`: the body of `GET /orchestrator/runs`. */
export interface RunsPage {
  runs: RunRecord[];
  has_more: boolean;
  /** Set when a source that should have answered could not (the files answered alone). */
  partial?: boolean;
}
