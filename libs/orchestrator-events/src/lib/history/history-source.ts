import type { EventQuery, EventsPage } from '@orchestrator/events-contract';

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
}

/** Injection token of the list of `HistorySource`s. */
export const HISTORY_SOURCES = Symbol('HISTORY_SOURCES');
