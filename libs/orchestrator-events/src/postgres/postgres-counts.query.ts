import {
  CountsPage,
  CountsQuery,
  EVENT_LEVELS,
  levelRank,
  parseEventLine,
} from '@orchestrator/events-contract';
import type { Pool } from 'pg';
import { CountsFold, countsWindow } from '../lib/history/counts-query';
import { acceptor } from '../lib/event/history-query';
import { whereOf } from './postgres-where';

/** A level's name from its stored rank. */
const LEVEL_OF = new Map(EVENT_LEVELS.map((level) => [levelRank(level), level]));

/**
 * Events per level per bucket for `query` over every instance's events: the events query's WHERE
 * (`whereOf`, the same filters), grouped in SQL by bucket and level at the width the files' fold
 * starts from (`CountsFold`), then widened and shaped by that fold, so the answer is the one the
 * files give for the same events. With `q` the SQL only narrows (the trigram LIKE may let through
 * a word matched outside what `matches()` reads): those rows are read and decided one by one.
 */
export async function queryCounts(
  pool: Pool,
  schema: string,
  query: CountsQuery,
): Promise<CountsPage> {
  const { since, until } = countsWindow(query);
  const fold = new CountsFold(query.bucket, since, until);
  const { where, params } = whereOf(query);
  if ((query.q ?? '').trim() !== '') {
    const accept = acceptor(query);
    const rows = await pool.query<{ line: string }>(
      `SELECT line FROM "${schema}".events WHERE ${where}`,
      params,
    );
    for (const row of rows.rows) {
      const event = parseEventLine(row.line);
      if (event !== undefined && accept(event)) fold.add(event);
    }
    return fold.page();
  }
  params.push(fold.initialWidth);
  const width = `$${params.length}::bigint`;
  // date_part is double precision (exact enough: microseconds of epoch seconds fit in 53 bits);
  // extract() is numeric since PostgreSQL 14, and its division took half of a 24 h count.
  const rows = await pool.query<{ start: string; level: number; n: string }>(
    `SELECT floor(date_part('epoch', ts) / ${width})::bigint * ${width} AS start, level,
       count(*) AS n
     FROM "${schema}".events WHERE ${where} GROUP BY 1, 2`,
    params,
  );
  for (const row of rows.rows) {
    const level = LEVEL_OF.get(row.level);
    if (level !== undefined) fold.addCount(Number(row.start) * 1000, level, Number(row.n));
  }
  return fold.page();
}
