import { EventQuery, levelRank } from '@orchestrator/events-contract';
import { toTimestamp } from '../lib/event/event-time';

/** `%`, `_` and `\` taken literally in a LIKE pattern. */
function likeEscape(word: string): string {
  return word.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * WHERE conditions joined by AND, and their parameters: every value goes in as a parameter ($n),
 * never as SQL text.
 */
export class SqlWhere {
  readonly params: unknown[] = [];
  private readonly conditions: string[] = [];

  /** `value` as the next parameter: its placeholder (`$n`). */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** One condition, its values put in through `param`. */
  add(condition: string): void {
    this.conditions.push(condition);
  }

  /** The conditions joined by AND (`true` when there are none). */
  get sql(): string {
    return this.conditions.length === 0 ? 'true' : this.conditions.join(' AND ');
  }
}

/**
 * The WHERE clause of `query` and its parameters. The SQL narrows (with the indexes);
 * `acceptor()` then decides, so the page is exactly what the files would answer for the same
 * events.
 */
export function whereOf(query: EventQuery, cursor?: { op: '<' | '>'; id: string }) {
  const w = new SqlWhere();
  if (query.task_id !== undefined) w.add(`task_id = ${w.param(query.task_id)}`);
  if (query.run_id !== undefined) w.add(`run_id = ${w.param(query.run_id)}`);
  if (query.event !== undefined && query.event.length > 0) {
    w.add(`event = ANY(${w.param([...query.event])}::text[])`);
  }
  if (query.level !== undefined) w.add(`level >= ${w.param(levelRank(query.level))}`);
  if (query.since !== undefined) w.add(`ts >= ${w.param(toTimestamp(query.since))}`);
  if (query.until !== undefined) w.add(`ts < ${w.param(toTimestamp(query.until))}`);
  if (query.after !== undefined) w.add(`event_id > ${w.param(query.after)}`);
  if (query.before !== undefined) w.add(`event_id < ${w.param(query.before)}`);
  if (cursor !== undefined) w.add(`event_id ${cursor.op} ${w.param(cursor.id)}`);
  for (const word of (query.q ?? '').toLowerCase().split(/\s+/)) {
    if (word.length > 0) w.add(`search LIKE ${w.param(`%${likeEscape(word)}%`)}`);
  }
  const extras = Object.entries(query.extras ?? {});
  if (extras.length > 0) {
    w.add(`extras @> ${w.param(JSON.stringify(Object.fromEntries(extras)))}::jsonb`);
  }
  return { where: w.sql, params: w.params };
}
