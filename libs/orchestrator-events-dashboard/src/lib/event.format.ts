import {
  CORE_FIELDS,
  failureReason as contractFailureReason,
  OrchestratorEvent,
} from '@orchestrator/events-contract';

/** Fields every row shows in its own column: everything else is an "extra". */
const SHOWN_FIELDS: ReadonlySet<string> = new Set([
  ...CORE_FIELDS,
  'task_id',
  'run_id',
  'status',
  'message',
]);

/**
 * When the event was logged, in ms since the epoch: the id's millisecond part (no date parsing on
 * the hot path), else the timestamp.
 */
export function eventTimeMs(event: OrchestratorEvent): number {
  const id = event.event_id;
  if (typeof id === 'string' && id.length > 14 && id.charCodeAt(13) === 45 /* - */) {
    const ms = Number(id.slice(0, 13));
    if (Number.isFinite(ms)) return ms;
  }
  const parsed = Date.parse(event.timestamp);
  return Number.isFinite(parsed) ? parsed : 0;
}

/** `HH:MM:SS.mmm` in UTC, the zone of the event lines. */
export function formatClock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

/** `HH:MM:SS.mmm`, or `MM-DD HH:MM:SS.mmm` when the list it is in crosses a day (UTC). */
export function formatEventTime(ms: number, dated: boolean): string {
  const iso = new Date(ms).toISOString();
  return dated ? `${iso.slice(5, 10)} ${iso.slice(11, 23)}` : iso.slice(11, 23);
}

/** Whether two times fall on different days (UTC): a list spanning both needs dates. */
export function differentDays(aMs: number, bMs: number): boolean {
  return Math.floor(aMs / 86_400_000) !== Math.floor(bMs / 86_400_000);
}

/** Whether events listed newest first (`at(0)` the newest) span more than one day (UTC). */
export function spansDays(events: {
  readonly size: number;
  at(index: number): OrchestratorEvent | undefined;
}): boolean {
  const newest = events.at(0);
  const oldest = events.at(events.size - 1);
  return (
    newest !== undefined &&
    oldest !== undefined &&
    differentDays(eventTimeMs(newest), eventTimeMs(oldest))
  );
}

/** `2026-11-24 10:30:45.123 UTC`. */
export function formatDateTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)} UTC`;
}

/** A duration for people: `850 ms`, `12.4 s`, `3 min 05 s`, `2 h 07 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const totalS = Math.floor(ms / 1000);
  if (totalS < 3600) {
    return `${Math.floor(totalS / 60)} min ${String(totalS % 60).padStart(2, '0')} s`;
  }
  const totalMin = Math.floor(totalS / 60);
  return `${Math.floor(totalMin / 60)} h ${String(totalMin % 60).padStart(2, '0')} min`;
}

/** The caller's extra fields (`duration_ms`, `error`, `result`, ...), in their order. */
export function extrasOf(event: OrchestratorEvent): Record<string, unknown> {
  const extras: Record<string, unknown> = {};
  for (const key of Object.keys(event)) {
    if (!SHOWN_FIELDS.has(key)) extras[key] = event[key];
  }
  return extras;
}

/** A one-line preview of the extras for a list row: `step=2 steps=3 error=Error: boom`. */
export function extrasPreview(event: OrchestratorEvent, maxLength = 240): string {
  const parts: string[] = [];
  let length = 0;
  for (const [key, value] of Object.entries(extrasOf(event))) {
    const part = `${key}=${previewValue(value)}`;
    parts.push(part);
    length += part.length + 1;
    if (length > maxLength) break;
  }
  const text = parts.join(' ');
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

function previewValue(value: unknown): string {
  if (isErrorLike(value)) return `${value.name ?? 'Error'}: ${value.message}`;
  if (typeof value === 'string') return value;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function isErrorLike(value: unknown): value is { name?: string; message: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** Why a run failed, from its failing event: the contract's run rule. */
export const failureReason = contractFailureReason;

/** The trace link of an event carrying `trace_id`, from a template with `{trace_id}` (and `{span_id}`). */
export function traceLink(
  event: OrchestratorEvent,
  template: string | undefined,
): string | undefined {
  const traceId = event['trace_id'];
  if (!template || typeof traceId !== 'string' || traceId === '') return undefined;
  const spanId = typeof event['span_id'] === 'string' ? (event['span_id'] as string) : '';
  return template
    .replace(/\{trace_id\}/g, encodeURIComponent(traceId))
    .replace(/\{span_id\}/g, encodeURIComponent(spanId));
}
