import { CORE_FIELDS, OrchestratorEvent } from '@orchestrator/events-contract';
import { Palette, PLAIN } from './colors';

/** Fields shown in their own place, or not at all (`--json` has everything): the core ones and the ids. */
const PLACED: ReadonlySet<string> = new Set([
  ...CORE_FIELDS,
  'task_id',
  'run_id',
  'status',
  'message',
]);

/** Longest value shown for an extra field; the rest is cut with `…`. */
export const MAX_VALUE_CHARS = 80;
const EVENT_COLUMN = 16;
const LEVEL_COLUMN = 7;

/**
 * One readable line per event:
 * `2026-11-24 10:30:45.123Z INFO    job_completed    task=t1 run=r1 status=success "message" duration_ms=1500`.
 * Every value from the event is escaped: a field holding terminal escape codes or newlines cannot
 * rewrite the screen or split the line.
 */
export function formatEvent(event: OrchestratorEvent, palette: Palette = PLAIN): string {
  const level = String(event.level);
  const parts = [
    palette.dim(formatTime(event.timestamp)),
    colourLevel(level, safe(level).padEnd(LEVEL_COLUMN), palette),
    palette.bold(safe(String(event.event)).padEnd(EVENT_COLUMN)),
  ];
  const fields: string[] = [];
  if (event.task_id !== undefined) fields.push(pair('task', event.task_id, palette));
  if (event.run_id !== undefined) fields.push(pair('run', event.run_id, palette));
  if (event.status !== undefined) {
    fields.push(`${palette.dim('status=')}${colourStatus(formatValue(event.status), palette)}`);
  }
  if (event.message !== undefined) fields.push(quote(String(event.message)));
  for (const [key, value] of Object.entries(event)) {
    if (PLACED.has(key) || value === undefined) continue;
    fields.push(pair(safe(key), value, palette));
  }
  return [...parts, ...fields].join(' ').trimEnd();
}

/** `2026-11-24T10:30:45.123456Z` → `2026-11-24 10:30:45.123Z` (UTC, as written; cut, not rounded). */
export function formatTime(timestamp: unknown): string {
  const text = String(timestamp);
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d{1,3})?\d*Z$/.exec(text);
  if (!match) return safe(text);
  return `${match[1]} ${match[2]}${(match[3] ?? '.000').padEnd(4, '0')}Z`;
}

/**
 * A compact view of one value: plain words bare, other strings quoted, errors as `Name: message`,
 * objects as one-line JSON; anything longer than `MAX_VALUE_CHARS` is cut.
 */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') {
    return /^[\w.:/@+-]+$/.test(value) ? cut(value) : cut(quote(value));
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  if (isErrorLike(value)) {
    const name = typeof value.name === 'string' ? `${value.name}: ` : '';
    return cut(quote(`${name}${value.message}`));
  }
  return cut(safe(JSON.stringify(value) ?? String(value)));
}

function pair(key: string, value: unknown, palette: Palette): string {
  return `${palette.dim(`${key}=`)}${formatValue(value)}`;
}

function isErrorLike(value: unknown): value is { name?: unknown; message: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

function cut(text: string): string {
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/** A JSON string literal, with the C1 controls JSON leaves raw escaped as well. */
function quote(text: string): string {
  return safe(JSON.stringify(text));
}

// Matching control characters is the point here, hence the rule is off for this one line.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;

/** Control characters (ESC, newlines, C1) as `\uXXXX`: printable, and inert in a terminal. */
function safe(text: string): string {
  return text.replace(CONTROL_CHARS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function colourLevel(level: string, text: string, palette: Palette): string {
  switch (level) {
    case 'ERROR':
      return palette.bold(palette.red(text));
    case 'WARNING':
      return palette.yellow(text);
    case 'INFO':
      return palette.green(text);
    default:
      return palette.dim(text);
  }
}

function colourStatus(text: string, palette: Palette): string {
  if (/^(success|succeeded|completed|ok|done)$/i.test(text)) return palette.green(text);
  if (/^(failed|failure|error|errored|cancelled|canceled|timeout)$/i.test(text)) {
    return palette.red(text);
  }
  if (/^(running|started|pending|queued)$/i.test(text)) return palette.cyan(text);
  return text;
}
