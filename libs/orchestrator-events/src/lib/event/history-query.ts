import {
  DEFAULT_QUERY_LIMIT,
  EventQuery,
  EventsPage,
  matches,
  MAX_QUERY_LIMIT,
  OrchestratorEvent,
} from '@orchestrator/events-contract';
import { toTimestamp } from './event-time';

/**
 * The rules of a history query, once for every source: the limit clamp, the filter with its time
 * and id bounds, the id order and the merge of pages.
 */

/** `limit` within [1, MAX_QUERY_LIMIT], `DEFAULT_QUERY_LIMIT` when absent. */
export function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_QUERY_LIMIT;
  return Math.min(MAX_QUERY_LIMIT, Math.max(1, Math.floor(limit)));
}

/**
 * What an event must be to answer `query`: the filter, `since` (inclusive) and `until`
 * (exclusive) on its timestamp, `before` and `after` on its id. Throws a `RangeError` for a bound
 * that is not an ISO 8601 date-time (the HTTP layer answers 400 for those first).
 */
export function acceptor(query: EventQuery): (event: OrchestratorEvent) => boolean {
  const since = query.since === undefined ? undefined : toTimestamp(query.since);
  const until = query.until === undefined ? undefined : toTimestamp(query.until);
  return (event) =>
    matches(query, event) &&
    (since === undefined || event.timestamp >= since) &&
    (until === undefined || event.timestamp < until) &&
    (query.before === undefined || event.event_id < query.before) &&
    (query.after === undefined || event.event_id > query.after);
}

/** Orders events by id: the order of logging, per orchestrator. */
export function compareIds(a: OrchestratorEvent, b: OrchestratorEvent): number {
  return a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0;
}

/**
 * The page for `query` from several sources' pages of the same query: the union by event_id,
 * then the same `limit` cut (the newest, or the oldest after `after`). The top `limit` of a union
 * is within the union of each side's top `limit`, so the result is exact; `has_more` holds if any
 * side had more. The first page wins for an id present twice.
 */
export function mergePages<P extends EventsPage>(query: EventQuery, pages: P[]): P {
  if (pages.length === 1) return pages[0];
  const limit = clampLimit(query.limit);
  const byId = new Map<string, OrchestratorEvent>();
  for (const page of pages) {
    for (const event of page.events) if (!byId.has(event.event_id)) byId.set(event.event_id, event);
  }
  const all = [...byId.values()].sort(compareIds);
  const newest = query.after === undefined;
  const events = newest ? all.slice(Math.max(0, all.length - limit)) : all.slice(0, limit);
  return {
    ...pages[0],
    events,
    has_more: all.length > limit || pages.some((page) => page.has_more),
  };
}
