import { EventFilter, OrchestratorEvent } from './event';

/** A history query: an `EventFilter` plus a time window, a cursor and a page size. */
export interface EventQuery extends EventFilter {
  /**
   * Inclusive lower bound on `timestamp`: a Date, or ISO 8601 text with its offset (`Z`, `±HH:MM`)
   * or a date alone (UTC); see `parseQueryTime`. A date-time without offset is refused.
   */
  since?: string | Date;
  /** Exclusive upper bound on `timestamp`, written as `since` is. */
  until?: string | Date;
  /** Only events with an id above this one; the page is then the oldest `limit` of them. */
  after?: string;
  /** Only events with an id below this one. */
  before?: string;
  /** Page size, 1-1000 (as text: decimal, no sign or leading zero; `parseQueryLimit`). Default 100. */
  limit?: number;
}

/** One page of history in chronological order: the body of `GET /orchestrator/events`. */
export interface EventsPage {
  events: OrchestratorEvent[];
  /** True when more matches exist beyond this page (older without `after`, newer with it). */
  has_more: boolean;
  /**
   * Present (true) when a history source other than this instance's files (a history store, the
   * Redis stream) could not answer: the page holds what the others had, this instance's events.
   */
  partial?: boolean;
}

/** Page size when a query gives none. */
export const DEFAULT_QUERY_LIMIT = 100;
/** Largest page size. */
export const MAX_QUERY_LIMIT = 1000;
