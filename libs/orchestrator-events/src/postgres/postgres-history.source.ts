import {
  CountsPage,
  CountsQuery,
  EventQuery,
  EventsPage,
  OrchestratorEvent,
  parseEventLine,
  RunsPage,
  RunsQuery,
} from '@orchestrator/events-contract';
import { createHash } from 'node:crypto';
import type { Pool, QueryConfig } from 'pg';
import { acceptor, clampLimit } from '../lib/event/history-query';
import { HistorySource, HistorySourceState } from '../lib/history/history-source';
import { queryCounts } from './postgres-counts.query';
import { whereOf } from './postgres-where';
import { queryRuns } from './postgres-runs.query';

/** Rounds of fetching when `matches()` turns down rows the SQL let through (never expected). */
const MAX_ROUNDS = 8;

/** The filters of a query sent as a named (prepared) statement: see `statement()`. */
const PREPARED_FILTERS: ReadonlySet<string> = new Set([
  'task_id',
  'run_id',
  'limit',
  'after',
  'before',
]);

/**
 * The SQL of a page, as a named statement when `query` filters by task or run only (with cursors):
 * PostgreSQL then plans it once per connection. Planning a query over the ~30 day partitions of a
 * month's retention costs more than running it: with 10 M events stored, 2.8 ms of planning
 * against 0.8 ms of execution for a task's newest 100 (benchmark figure 16). The plan does not
 * depend on the values there (an index on `(task_id, event_id)` or `(run_id, event_id)` in every
 * partition); with `q`, `since`, `event` or `level` it may, so those are planned each time. The name
 * is a hash of the text: one statement per shape of query, the same on every connection.
 */
function statement(query: EventQuery, text: string, values: unknown[]): QueryConfig {
  const keys = Object.entries(query).filter(([, value]) => value !== undefined);
  if (!keys.every(([key]) => PREPARED_FILTERS.has(key))) return { text, values };
  const name = `orch_events_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
  return { name, text, values };
}

/**
 * Every instance's events in PostgreSQL as a history source: the same query and page as the files
 * (`limit` newest, or the oldest after `after`), in chronological order, from the stored lines.
 */
export class PostgresHistorySource implements HistorySource {
  readonly name = 'postgres';
  readonly coverage = 'complete';

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    /** Whether the store answers now: a query fails fast (files alone, `partial`) when it does not. */
    private readonly usable: () => boolean,
    readonly state: () => HistorySourceState,
  ) {}

  async query(query: EventQuery): Promise<EventsPage> {
    if (!this.usable()) throw new Error('history store down');
    const limit = clampLimit(query.limit);
    const newest = query.after === undefined;
    const accept = acceptor(query);
    const events: OrchestratorEvent[] = [];
    let cursor: { op: '<' | '>'; id: string } | undefined;
    let more = false;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const { where, params } = whereOf(query, cursor);
      params.push(limit + 1 - events.length);
      const result = await this.pool.query<{ line: string }>(
        statement(
          query,
          `SELECT line FROM "${this.schema}".events WHERE ${where}
           ORDER BY event_id ${newest ? 'DESC' : 'ASC'} LIMIT $${params.length}`,
          params,
        ),
      );
      for (const row of result.rows) {
        const event = parseEventLine(row.line);
        if (event !== undefined && accept(event)) events.push(event);
      }
      const exhausted = result.rows.length < (params[params.length - 1] as number);
      if (events.length > limit || exhausted || result.rows.length === 0) break;
      const last = parseEventLine(result.rows[result.rows.length - 1].line);
      if (last === undefined) break;
      cursor = { op: newest ? '<' : '>', id: last.event_id };
      more = round === MAX_ROUNDS - 1;
    }
    more = more || events.length > limit;
    const page = events.slice(0, limit);
    if (newest) page.reverse();
    return { events: page, has_more: more };
  }

  /** Every instance's runs, from the `runs` table the ingest keeps up to date. */
  async runs(query: RunsQuery): Promise<RunsPage> {
    if (!this.usable()) throw new Error('history store down');
    return queryRuns(this.pool, this.schema, query);
  }

  /** Every instance's events per level per bucket, counted by the database. */
  async counts(query: CountsQuery): Promise<CountsPage> {
    if (!this.usable()) throw new Error('history store down');
    return queryCounts(this.pool, this.schema, query);
  }

  async oldestEventId(): Promise<string | undefined> {
    if (!this.usable()) return undefined;
    const result = await this.pool.query<{ id: string | null }>(
      `SELECT min(event_id) AS id FROM "${this.schema}".events`,
    );
    return result.rows[0]?.id ?? undefined;
  }
}
