import type {
  CountsPage,
  CountsQuery,
  EventQuery,
  EventsPage,
  RunsPage,
  RunsQuery,
} from '@orchestrator/events-contract';

/**
 * Somewhere past events are kept: the log files (always), a Redis Stream (with the Redis bus), a
 * store added by an opt-in module or by your own code through `HistorySources.add()`.
 * `EventHistory` asks each source the same query and merges the pages.
 */
export interface HistorySource {
  /** For messages and health: `files`, `redis`, a store's own name. */
  readonly name: string;
  /**
   * What the source holds beyond this instance's files. `window`: a bounded window of recent
   * events (a live stream's retention), not asked while a `complete` source is added; `complete`:
   * every instance's events over the whole retention (a history store). Default: neither, always
   * asked.
   */
  readonly coverage?: 'window' | 'complete';
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
  /** Its state, for `OrchestratorEventsStatus` and the health indicator (a store's, say). */
  state?(): HistorySourceState;
}

/** What a source reports of itself (`HistorySource.state()`). */
export interface HistorySourceState {
  /** The source's `name`. */
  name: string;
  /** `down`: it cannot answer now; queries are answered without it and say `partial: true`. */
  status: 'up' | 'down';
  /** Anything else worth watching (a store's ingest lag, its last error), by name. */
  [detail: string]: unknown;
}

/** Injection token of the core's own `HistorySource`s (the files first); add yours with `HistorySources`. */
export const HISTORY_SOURCES = Symbol('HISTORY_SOURCES');
