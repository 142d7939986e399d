import { RunRecord, RunsPage, RunsQuery } from '@orchestrator/events-contract';
import { toTimestamp } from '../event/event-time';
import { MESSAGES } from '../shared/orchestrator-events.messages';
import { clampLimit } from '../event/history-query';

/**
 * The rules of a runs query, for a source that holds run records in memory (the files' fold):
 * the filters, the order (newest `started_at` first, then `run_id`), the cursor and the limit.
 */

/** Newest first: by `started_at`, then by `run_id`, both descending. */
export function compareRunsNewestFirst(a: RunRecord, b: RunRecord): number {
  if (a.started_at !== b.started_at) return a.started_at < b.started_at ? 1 : -1;
  return a.run_id < b.run_id ? 1 : a.run_id > b.run_id ? -1 : 0;
}

/**
 * The page for `query` from every run a source knows (`byId`). Throws a `RangeError` when
 * `since` or `until` is not a date-time, or when `before` names a run the source does not hold
 * (rotated away): a cursor that cannot be placed is an error, not an empty page.
 */
export function runsPage(query: RunsQuery, byId: ReadonlyMap<string, RunRecord>): RunsPage {
  const limit = clampLimit(query.limit);
  const since = query.since === undefined ? undefined : toTimestamp(query.since);
  const until = query.until === undefined ? undefined : toTimestamp(query.until);
  let cursor: RunRecord | undefined;
  if (query.before !== undefined) {
    cursor = byId.get(query.before);
    if (cursor === undefined) throw new RangeError(MESSAGES.unknownRunCursor(query.before));
  }
  const selected: RunRecord[] = [];
  for (const run of byId.values()) {
    if (query.task_id !== undefined && run.task_id !== query.task_id) continue;
    if (query.status !== undefined && run.status !== query.status) continue;
    if (since !== undefined && run.started_at < since) continue;
    if (until !== undefined && run.started_at >= until) continue;
    if (cursor !== undefined && compareRunsNewestFirst(run, cursor) <= 0) continue;
    selected.push(run);
  }
  selected.sort(compareRunsNewestFirst);
  return { runs: selected.slice(0, limit), has_more: selected.length > limit };
}
