import {
  CountsPage,
  CountsQuery,
  EventQuery,
  EventsPage,
  levelRank,
  OrchestratorEvent,
  parseEventLine,
  RunsPage,
  RunsQuery,
} from '@orchestrator/events-contract';
import type { Pool } from 'pg';
import { toTimestamp } from '../lib/event-time';
import { acceptor, clampLimit } from '../lib/history/history-query';
import { HistorySource, HistorySourceState } from '../lib/history/history-source';
import { queryCounts } from './postgres-counts.query';
import { queryRuns } from './postgres-runs.query';

/** Rounds of fetching when `matches()` turns down rows the SQL let through (never expected). */
const MAX_ROUNDS = 8;

/** `%`, `_` and `\` taken literally in a LIKE pattern. */
function likeEscape(word: string): string {
  return word.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The WHERE clause of `query` and its parameters: every value is a parameter ($n), never SQL
 * text. The SQL narrows (with the indexes); `acceptor()` then decides, so the page is exactly what
 * the files would answer for the same events.
 */
export function whereOf(query: EventQuery, cursor?: { op: '<' | '>'; id: string }) {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (query.task_id !== undefined) conditions.push(`task_id = ${param(query.task_id)}`);
  if (query.run_id !== undefined) conditions.push(`run_id = ${param(query.run_id)}`);
  if (query.event !== undefined && query.event.length > 0) {
    conditions.push(`event = ANY(${param([...query.event])}::text[])`);
  }
  if (query.level !== undefined) conditions.push(`level >= ${param(levelRank(query.level))}`);
  if (query.since !== undefined) conditions.push(`ts >= ${param(toTimestamp(query.since))}`);
  if (query.until !== undefined) conditions.push(`ts < ${param(toTimestamp(query.until))}`);
  if (query.after !== undefined) conditions.push(`event_id > ${param(query.after)}`);
  if (query.before !== undefined) conditions.push(`event_id < ${param(query.before)}`);
  if (cursor !== undefined) conditions.push(`event_id ${cursor.op} ${param(cursor.id)}`);
  for (const word of (query.q ?? '').toLowerCase().split(/\s+/)) {
    if (word.length > 0) conditions.push(`search LIKE ${param(`%${likeEscape(word)}%`)}`);
  }
  const extras = Object.entries(query.extras ?? {});
  if (extras.length > 0) {
    conditions.push(`extras @> ${param(JSON.stringify(Object.fromEntries(extras)))}::jsonb`);
  }
  return { where: conditions.length === 0 ? 'true' : conditions.join(' AND '), params };
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
