import { RunRecord, RunsPage, RunsQuery } from '@orchestrator/events-contract';
import type { Pool } from 'pg';
import { toTimestamp } from '../lib/event/event-time';
import { clampLimit } from '../lib/event/history-query';
import { MESSAGES } from '../lib/shared/orchestrator-events.messages';

/**
 * One page of the `runs` table for `query`: the files' rules (`runsPage`) in SQL. Newest first by
 * `started_at` then `run_id`; the `before` cursor is a run_id, resolved to its `started_at`, then
 * a row comparison the `(started_at, run_id)` indexes answer. Every value is a parameter. Throws a
 * `RangeError` for a bad `since`/`until` or a `before` run the table does not hold.
 */
export async function queryRuns(pool: Pool, schema: string, query: RunsQuery): Promise<RunsPage> {
  const limit = clampLimit(query.limit);
  const conditions: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (query.task_id !== undefined) conditions.push(`task_id = ${param(query.task_id)}`);
  if (query.status !== undefined) conditions.push(`status = ${param(query.status)}`);
  if (query.since !== undefined)
    conditions.push(`started_at >= ${param(toTimestamp(query.since))}`);
  if (query.until !== undefined) conditions.push(`started_at < ${param(toTimestamp(query.until))}`);
  if (query.before !== undefined) {
    const cursor = await pool.query<{ started_at: string }>(
      `SELECT started_at FROM "${schema}".runs WHERE run_id = $1`,
      [query.before],
    );
    const startedAt = cursor.rows[0]?.started_at;
    if (startedAt === undefined) throw new RangeError(MESSAGES.unknownRunCursor(query.before));
    conditions.push(`(started_at, run_id) < (${param(startedAt)}, ${param(query.before)})`);
  }
  const where = conditions.length === 0 ? 'true' : conditions.join(' AND ');
  const result = await pool.query<{ record: string }>(
    `SELECT record FROM "${schema}".runs WHERE ${where}
     ORDER BY started_at DESC, run_id DESC LIMIT ${param(limit + 1)}`,
    params,
  );
  const runs = result.rows.slice(0, limit).map((row) => JSON.parse(row.record) as RunRecord);
  return { runs, has_more: result.rows.length > limit };
}
