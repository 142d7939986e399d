import { foldRun, OrchestratorEvent, RunRecord } from '@orchestrator/events-contract';
import type { Pool, PoolClient } from 'pg';

/**
 * Folds the events a batch newly inserted into their runs' rows, inside the batch's transaction:
 * with the contract's `foldRun`, onto the record stored so far. Only the rows the batch actually
 * added (by COPY, or by the fallback INSERT) are folded (a re-sent event is not counted twice), and
 * the commit that stores the events stores their runs: the two never disagree.
 *
 * Two instances may ingest events of one run at the same moment: each first inserts the missing
 * rows (as placeholders, never visible: they are replaced before the commit), then locks every row
 * it folds into (`FOR UPDATE`), in `run_id` order, so the second waits for the first's commit and
 * folds onto its result. Rows are always locked in the same order, so two batches do not deadlock.
 */
export async function foldRunsInto(
  client: PoolClient,
  schema: string,
  events: readonly OrchestratorEvent[],
): Promise<number> {
  const byRun = groupByRun(events);
  if (byRun.size === 0) return 0;
  const ids = [...byRun.keys()].sort();
  const s = schema;
  await client.query(
    `INSERT INTO "${s}".runs (run_id, status, started_at, last_ts, record)
     SELECT id, 'running', '', now(), '' FROM unnest($1::text[]) WITH ORDINALITY AS t(id, n)
     ORDER BY n ON CONFLICT (run_id) DO NOTHING`,
    [ids],
  );
  const current = await client.query<{ run_id: string; record: string; last_ts: Date }>(
    `SELECT run_id, record, last_ts FROM "${s}".runs WHERE run_id = ANY($1::text[])
     ORDER BY run_id FOR UPDATE`,
    [ids],
  );
  const columns = foldRows(current.rows, byRun);
  await client.query(
    `UPDATE "${s}".runs AS r SET task_id = u.task_id, status = u.status,
       started_at = u.started_at, last_ts = u.last_ts, record = u.record
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[])
       AS u(run_id, task_id, status, started_at, last_ts, record)
     WHERE r.run_id = u.run_id`,
    [
      columns.run_id,
      columns.task_id,
      columns.status,
      columns.started_at,
      columns.last_ts,
      columns.record,
    ],
  );
  return columns.run_id.length;
}

/** The batch's events by run_id (events without one belong to no run). */
function groupByRun(events: readonly OrchestratorEvent[]): Map<string, OrchestratorEvent[]> {
  const byRun = new Map<string, OrchestratorEvent[]>();
  for (const event of events) {
    const runId = event.run_id;
    if (typeof runId !== 'string' || runId === '') continue;
    const list = byRun.get(runId);
    if (list === undefined) byRun.set(runId, [event]);
    else list.push(event);
  }
  return byRun;
}

/** The locked rows with the batch's events folded on, as the UPDATE's columns. */
function foldRows(
  rows: readonly { run_id: string; record: string; last_ts: Date }[],
  byRun: Map<string, OrchestratorEvent[]>,
) {
  const columns = {
    run_id: [] as string[],
    task_id: [] as (string | null)[],
    status: [] as string[],
    started_at: [] as string[],
    last_ts: [] as string[],
    record: [] as string[],
  };
  for (const row of rows) {
    // An empty record is the placeholder just inserted: the run's first events are here.
    let record: RunRecord | undefined =
      row.record === '' ? undefined : (JSON.parse(row.record) as RunRecord);
    let lastMs = row.record === '' ? -Infinity : row.last_ts.getTime();
    let lastTs = row.record === '' ? '' : row.last_ts.toISOString();
    const list = (byRun.get(row.run_id) ?? []).sort((a, b) =>
      a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0,
    );
    for (const event of list) {
      record = foldRun(record, event);
      const ms = Date.parse(event.timestamp);
      if (ms > lastMs) {
        lastMs = ms;
        lastTs = event.timestamp;
      }
    }
    if (record === undefined) continue;
    columns.run_id.push(record.run_id);
    columns.task_id.push(record.task_id ?? null);
    columns.status.push(record.status);
    columns.started_at.push(record.started_at);
    columns.last_ts.push(lastTs);
    columns.record.push(JSON.stringify(record));
  }
  return columns;
}

/** Rows deleted per statement by `deleteRunsBefore`: short transactions, short row locks. */
const DELETE_BATCH = 5000;

/**
 * Deletes the runs whose newest event is older than `cutoffMs` (their events are past the
 * retention: their partitions are, or are about to be, dropped). A DELETE, not a dropped
 * partition, since a run row changes as long as its run logs; bounded by the `last_ts` index and
 * done a batch at a time. Returns the number of runs deleted.
 */
export async function deleteRunsBefore(
  pool: Pool,
  schema: string,
  cutoffMs: number,
): Promise<number> {
  const cutoff = new Date(cutoffMs).toISOString();
  let deleted = 0;
  for (;;) {
    const result = await pool.query(
      `DELETE FROM "${schema}".runs WHERE run_id IN (
         SELECT run_id FROM "${schema}".runs WHERE last_ts < $1 LIMIT ${DELETE_BATCH})`,
      [cutoff],
    );
    deleted += result.rowCount ?? 0;
    if ((result.rowCount ?? 0) < DELETE_BATCH) return deleted;
  }
}
