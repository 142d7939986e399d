import { RunRecord, RunsPage, RunsQuery } from '@orchestrator/events-contract';
import type { Pool } from 'pg';
import { toTimestamp } from '../lib/event/event-time';
import { clampLimit } from '../lib/event/history-query';
import { MESSAGES } from '../lib/shared/orchestrator-events.messages';
import { SqlWhere } from './postgres-where';

/**
 * One page of the `runs` table for `query`: the files' rules (`runsPage`) in SQL. Newest first by
 * `started_at` then `run_id`; the `before` cursor is a run_id, resolved to its `started_at`, then
 * a row comparison the `(started_at, run_id)` indexes answer. Every value is a parameter. Throws a
 * `RangeError` for a bad `since`/`until` or a `before` run the table does not hold.
 */
export async function queryRuns(pool: Pool, schema: string, query: RunsQuery): Promise<RunsPage> {
  const limit = clampLimit(query.limit);
  const w = new SqlWhere();
  if (query.task_id !== undefined) w.add(`task_id = ${w.param(query.task_id)}`);
  if (query.status !== undefined) w.add(`status = ${w.param(query.status)}`);
  if (query.since !== undefined) w.add(`started_at >= ${w.param(toTimestamp(query.since))}`);
  if (query.until !== undefined) w.add(`started_at < ${w.param(toTimestamp(query.until))}`);
  if (query.before !== undefined) {
    const cursor = await pool.query<{ started_at: string }>(
      `SELECT started_at FROM "${schema}".runs WHERE run_id = $1`,
      [query.before],
    );
    const startedAt = cursor.rows[0]?.started_at;
    if (startedAt === undefined) throw new RangeError(MESSAGES.unknownRunCursor(query.before));
    w.add(`(started_at, run_id) < (${w.param(startedAt)}, ${w.param(query.before)})`);
  }
  const result = await pool.query<{ record: string }>(
    `SELECT record FROM "${schema}".runs WHERE ${w.sql}
     ORDER BY started_at DESC, run_id DESC LIMIT ${w.param(limit + 1)}`,
    w.params,
  );
  const runs = result.rows.slice(0, limit).map((row) => JSON.parse(row.record) as RunRecord);
  return { runs, has_more: result.rows.length > limit };
}
