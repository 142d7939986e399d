import { extrasMatch, searchMatches, searchWords } from './event-search';
/** Severity of an event, with the seed's Python names. */
export type EventLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

/** Levels from the least to the most severe. */
export const EVENT_LEVELS: readonly EventLevel[] = ['DEBUG', 'INFO', 'WARNING', 'ERROR'];

const LEVEL_RANK: Record<EventLevel, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40 };

/** Numeric rank of a level, for "at least this severe" comparisons. */
export function levelRank(level: EventLevel): number {
  return LEVEL_RANK[level] ?? 0;
}

/**
 * Parses a level name case-insensitively; `WARN` is accepted for `WARNING`.
 * Returns `undefined` for anything else so callers can name the bad value themselves.
 */
export function parseLevel(value: string): EventLevel | undefined {
  const upper = value.trim().toUpperCase();
  if (upper === 'WARN') return 'WARNING';
  return (EVENT_LEVELS as readonly string[]).includes(upper) ? (upper as EventLevel) : undefined;
}

/** The value of `logger` in every event line. */
export const EVENT_LOGGER_NAME = 'orchestrator_events';

/** Event names: 1-128 chars of `[A-Za-z0-9_.:-]`. */
export const EVENT_NAME_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Task and run ids in filters: 1-128 chars of `[A-Za-z0-9._:-]`. */
export const ENTITY_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export { CORE_FIELDS } from './core-fields';

/**
 * One event as written to the file: one JSON object per line.
 * Extra fields are whatever the caller gave, after safe serialization.
 */
export interface OrchestratorEvent {
  /** UTC, ISO 8601 with microseconds: `2026-11-24T10:30:45.123456Z`. */
  timestamp: string;
  level: EventLevel;
  logger: typeof EVENT_LOGGER_NAME;
  event: string;
  /** Unique, strictly increasing (plain string compare) in logging order per `orch_id`. */
  event_id: string;
  orch_id: string;
  task_id?: string;
  run_id?: string;
  message?: string;
  status?: string;
  /** Present (true) when oversized values were cut to fit the maximum line size. */
  _truncated?: boolean;
  [extra: string]: unknown;
}

/** What a caller passes to `EventLogger.log()`: the seed's `log_orchestrator_event(event, task_id, run_id, **extra)`. */
export interface EventInput {
  /** The event name, required: 1-128 chars of `[A-Za-z0-9_.:-]`. */
  event: string;
  task_id?: string;
  run_id?: string;
  status?: string;
  /** Kept exactly as given. */
  message?: string;
  /** Default `INFO`. */
  level?: EventLevel | Lowercase<EventLevel> | 'WARN' | 'warn';
  [extra: string]: unknown;
}

/** Which events a reader wants. Every given criterion must hold. */
export interface EventFilter {
  task_id?: string;
  run_id?: string;
  /** Any of these names. */
  event?: readonly string[];
  /** Minimum level. */
  level?: EventLevel;
  /**
   * Search: every whitespace-separated word appears, case-insensitively, in `message` or in any
   * string value inside the extra fields, at any depth (a failed `track()`'s `error.message`
   * counts). Query parameter `q`.
   */
  q?: string;
  /**
   * A top-level extra field equals the value: strings as they are, numbers and booleans as their
   * JSON text. At most `MAX_EXTRAS_FILTERS` keys. Query parameters `extras.<key>=<value>`.
   */
  extras?: Readonly<Record<string, string>>;
}

/** Most `extras.<key>` criteria in one filter. */
export const MAX_EXTRAS_FILTERS = 5;

/**
 * True when the event passes every criterion of the filter. An empty `q` (no word) and an empty
 * `extras` add no criterion.
 */
export function matches(filter: EventFilter, event: OrchestratorEvent): boolean {
  if (filter.task_id !== undefined && event.task_id !== filter.task_id) return false;
  if (filter.run_id !== undefined && event.run_id !== filter.run_id) return false;
  if (
    filter.event !== undefined &&
    filter.event.length > 0 &&
    !filter.event.includes(event.event)
  ) {
    return false;
  }
  if (filter.level !== undefined && levelRank(event.level) < levelRank(filter.level)) return false;
  if (filter.extras !== undefined && !extrasMatch(filter.extras, event)) return false;
  if (filter.q !== undefined && !searchMatches(searchWords(filter.q), event)) return false;
  return true;
}
