export type { OrchestratorEvent, EventInput, EventFilter, EventLevel } from './lib/event';
export {
  EVENT_LEVELS,
  EVENT_LOGGER_NAME,
  EVENT_NAME_PATTERN,
  ENTITY_ID_PATTERN,
  CORE_FIELDS,
  MAX_EXTRAS_FILTERS,
  matches,
  parseLevel,
  levelRank,
} from './lib/event';
export {
  MAX_SEARCH_LENGTH,
  MAX_SEARCH_WORDS,
  MAX_EXTRAS_KEY_LENGTH,
  MAX_EXTRAS_VALUE_LENGTH,
  searchWords,
  searchMatches,
  extrasMatch,
  extraText,
} from './lib/event-search';
export { NAMED_FIELDS } from './lib/core-fields';
export { EVENT_ID_PATTERN, MAX_EVENT_ID_MS, parseEventId } from './lib/event-id';
export type { EventQuery, EventsPage } from './lib/event-query';
export { DEFAULT_QUERY_LIMIT, MAX_QUERY_LIMIT } from './lib/event-query';
export { parseEventLine, isEventRecord, formatEventLine } from './lib/event-line.codec';
export type { RunStatus, RunRecord, RunsQuery, RunsPage } from './lib/run';
export { RUN_STATUSES } from './lib/run';
export { runStatusOf, failureReason, foldRun } from './lib/run.rules';
export type { CountsQuery, CountsBucket, CountsPage } from './lib/event-counts';
export type { QueryTime } from './lib/query-values';
export {
  DECIMAL_INTEGER_PATTERN,
  parseDecimalInteger,
  parseQueryLimit,
  parseQueryTime,
  QUERY_LIMIT_RULE,
  QUERY_TIME_RULE,
} from './lib/query-values';
export {
  DEFAULT_COUNTS_BUCKET_S,
  MAX_COUNTS_BUCKET_S,
  MAX_COUNTS_BUCKETS,
} from './lib/event-counts';
