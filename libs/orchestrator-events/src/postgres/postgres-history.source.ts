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
import type { Pool } from 'pg';
import { acceptor, clampLimit } from '../lib/event/history-query';
import { HistorySource, HistorySourceState } from '../lib/history/history-source';
import { queryCounts } from './postgres-counts.query';
import { whereOf } from './postgres-where';
import { queryRuns } from './postgres-runs.query';

/** Rounds of fetching when `matches()` turns down rows the SQL let through (never expected). */
const MAX_ROUNDS = 8;

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
        `SELECT line FROM "${this.schema}".events WHERE ${where}
         ORDER BY event_id ${newest ? 'DESC' : 'ASC'} LIMIT $${params.length}`,
        params,
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
