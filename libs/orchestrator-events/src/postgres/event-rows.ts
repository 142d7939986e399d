import {
  CORE_FIELDS,
  levelRank,
  OrchestratorEvent,
  parseEventLine,
} from '@orchestrator/events-contract';
import { copyValue } from './copy-in';

/** Fields with columns (or filters) of their own: not part of the search text nor of `extras`. */
const OWN_FIELDS: ReadonlySet<string> = new Set([...CORE_FIELDS, 'task_id', 'run_id']);

/** One batch of events as column arrays: the rows of one COPY (or of one unnest() INSERT). */
export interface EventColumns {
  ts: string[];
  event_id: string[];
  orch_id: string[];
  level: number[];
  event: string[];
  task_id: (string | null)[];
  run_id: (string | null)[];
  search: string[];
  extras: (string | null)[];
  line: string[];
}

export function emptyColumns(): EventColumns {
  return {
    ts: [],
    event_id: [],
    orch_id: [],
    level: [],
    event: [],
    task_id: [],
    run_id: [],
    search: [],
    extras: [],
    line: [],
  };
}

/**
 * The lower-cased text `q` searches: `message` and every string value inside the other fields, at
 * any depth, one per line (a word never spans two values). A superset of what `matches()` reads,
 * so the SQL narrows and `matches()` decides.
 */
export function searchText(event: OrchestratorEvent): string {
  const parts: string[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (typeof value === 'string') parts.push(value);
    else if (depth < 32 && value !== null && typeof value === 'object') {
      for (const inner of Object.values(value)) visit(inner, depth + 1);
    }
  };
  for (const [key, value] of Object.entries(event)) if (!OWN_FIELDS.has(key)) visit(value, 0);
  return parts.join('\n').toLowerCase();
}

/**
 * The top-level scalar fields beyond the core ones, as `extras.<key>` compares them: strings as
 * they are, numbers and booleans as their JSON text; JSON for a jsonb column, or null.
 */
export function extrasJson(event: OrchestratorEvent): string | null {
  const extras: Record<string, string> = {};
  let any = false;
  for (const [key, value] of Object.entries(event)) {
    if (OWN_FIELDS.has(key) || key === 'message') continue;
    if (typeof value === 'string') extras[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean')
      extras[key] = JSON.stringify(value);
    else continue;
    any = true;
  }
  return any ? JSON.stringify(extras) : null;
}

/**
 * Adds a line, exactly as written, to the batch; returns its event, or undefined for a line that
 * is not an event (torn, corrupt): those are passed over, as the files' reader does.
 */
export function addLine(columns: EventColumns, line: string): OrchestratorEvent | undefined {
  const event = parseEventLine(line);
  if (
    event === undefined ||
    typeof event.orch_id !== 'string' ||
    typeof event.timestamp !== 'string' ||
    !Number.isFinite(Date.parse(event.timestamp))
  ) {
    return undefined;
  }
  columns.ts.push(event.timestamp);
  columns.event_id.push(event.event_id);
  columns.orch_id.push(event.orch_id);
  columns.level.push(levelRank(event.level));
  columns.event.push(event.event);
  columns.task_id.push(event.task_id ?? null);
  columns.run_id.push(event.run_id ?? null);
  columns.search.push(searchText(event));
  columns.extras.push(extrasJson(event));
  columns.line.push(line);
  return event;
}

/** The columns in `EventColumns`' order: the column list of the INSERT and of the COPY. */
export const EVENT_COLUMN_NAMES = Object.keys(emptyColumns()) as (keyof EventColumns)[];

/** Row `i` in COPY's text format, with its newline; columns in `EVENT_COLUMN_NAMES`' order. */
export function copyRow(columns: EventColumns, i: number): string {
  return (
    `${copyValue(columns.ts[i])}\t${copyValue(columns.event_id[i])}\t` +
    `${copyValue(columns.orch_id[i])}\t${columns.level[i]}\t${copyValue(columns.event[i])}\t` +
    `${copyValue(columns.task_id[i])}\t${copyValue(columns.run_id[i])}\t` +
    `${copyValue(columns.search[i])}\t${copyValue(columns.extras[i])}\t${copyValue(columns.line[i])}\n`
  );
}

/** The batch's rows in COPY's text format. */
export function copyRows(columns: EventColumns): Buffer {
  const n = columns.event_id.length;
  const rows = new Array<string>(n);
  for (let i = 0; i < n; i++) rows[i] = copyRow(columns, i);
  return Buffer.from(rows.join(''), 'utf8');
}
