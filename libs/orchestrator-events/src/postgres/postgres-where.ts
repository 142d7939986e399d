import { EventQuery, levelRank } from '@orchestrator/events-contract';
import { toTimestamp } from '../lib/event/event-time';

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
