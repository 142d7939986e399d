import type {
  CountsPage,
  CountsQuery,
  EventQuery,
  EventsPage,
  RunsPage,
  RunsQuery,
} from '@orchestrator/events-contract';

/**
 * Somewhere past events are kept: the log files (always), a Redis Stream (with the Redis bus).
 * `EventHistory` asks each source the same query and merges the pages.
 */
export interface HistorySource {
  /** For messages and health: `files`, `redis`. */
  readonly name: string;
  /**
   * One page for `query` (newest `limit` matches, or the oldest `limit` after `query.after`), in
   * chronological order; `undefined` when the source cannot answer now (Redis down): the other
   * sources answer alone.
   */
  query(query: EventQuery): Promise<(EventsPage & { skipped_lines?: number }) | undefined>;
  /**
   * The oldest (smallest) event id the source still holds, when it can tell; `undefined` when it
   * holds none or cannot answer now (Redis down).
   */
  oldestEventId?(): Promise<string | undefined>;
  /**
   * Run records for `query` (newest `started_at` first), when the source keeps or can fold them:
   * a store answers for every instance; `undefined` (or a rejection) when it cannot now, and
   * the files answer instead. Rejects with a `RangeError` for a query it refuses (a `before`
   * run it does not hold).
   */
  runs?(query: RunsQuery): Promise<RunsPage | undefined>;
  /** Events per level per time bucket for `query`, as `runs` for when it may not answer. */
  counts?(query: CountsQuery): Promise<CountsPage | undefined>;
}

/** Injection token of the list of `HistorySource`s. */
export const HISTORY_SOURCES = Symbol('HISTORY_SOURCES');
