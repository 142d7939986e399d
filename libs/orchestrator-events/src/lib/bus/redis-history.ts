import type Redis from 'ioredis';
import {
  DEFAULT_QUERY_LIMIT,
  EventQuery,
  EventsPage,
  matches,
  MAX_QUERY_LIMIT,
  OrchestratorEvent,
} from '@orchestrator/events-contract';
import { toTimestamp } from '../event-time';
import { decodeRange } from './redis-stream.codec';

/** Entries fetched per XRANGE round trip. */
export const SCAN_CHUNK = 1000;

/**
 * One page of history from the whole stream, by event_id order like the files: without `after` the
 * newest `limit` matches, with `after` the oldest `limit` above it, both in chronological order.
 *
 * Cost: it reads the whole stream (XRANGE in chunks of 1000, each entry parsed once), so a query
 * costs O(stream length): with the default MAXLEN of 100,000 events of ~300 bytes, about 30 MB read
 * from Redis. The stream order is not the id order (clock skew between instances, events added late
 * after an outage), so no early stop by position is correct; correctness comes first here.
 */
export async function scanStreamHistory(
  redis: Redis,
  key: string,
  query: EventQuery,
): Promise<EventsPage> {
  const limit = clampLimit(query.limit);
  const since = query.since === undefined ? undefined : toTimestamp(query.since);
  const until = query.until === undefined ? undefined : toTimestamp(query.until);
  const accept = (event: OrchestratorEvent): boolean =>
    matches(query, event) &&
    (since === undefined || event.timestamp >= since) &&
    (until === undefined || event.timestamp < until) &&
    (query.before === undefined || event.event_id < query.before) &&
    (query.after === undefined || event.event_id > query.after);
  // Keep the best `limit + 1` (the extra one tells has_more), pruning as the scan goes.
  const keep = limit + 1;
  const newest = query.after === undefined;
  const byId = new Map<string, OrchestratorEvent>();
  let found: OrchestratorEvent[] = [];
  const prune = () => {
    found.sort(compareIds);
    found = newest ? found.slice(-keep) : found.slice(0, keep);
  };
  let start = '-';
  for (;;) {
    const reply = await redis.xrange(key, start, '+', 'COUNT', SCAN_CHUNK);
    const { entries, count, lastId } = decodeRange(reply);
    for (const { built } of entries) {
      // The same event twice (an XADD resent after a cut connection): keep one.
      if (byId.has(built.event.event_id) || !accept(built.event)) continue;
      byId.set(built.event.event_id, built.event);
      found.push(built.event);
    }
    if (found.length > keep * 4) prune();
    if (count < SCAN_CHUNK || lastId === undefined) break;
    start = `(${lastId}`;
  }
  prune();
  const has_more = found.length > limit;
  const events = newest ? found.slice(-limit) : found.slice(0, limit);
  return { events, has_more };
}

/**
 * Merges two pages of the same query (the stream's, the instance's own files'): the union by
 * event_id, then the same `limit` cut. The top `limit` of a union is within the union of each
 * side's top `limit`, so the result is exact; `has_more` holds if either side had more.
 */
export function mergeHistoryPages<P extends EventsPage>(
  query: EventQuery,
  stream: EventsPage,
  files: P,
): P {
  const limit = clampLimit(query.limit);
  const byId = new Map<string, OrchestratorEvent>();
  for (const event of files.events) byId.set(event.event_id, event);
  for (const event of stream.events) if (!byId.has(event.event_id)) byId.set(event.event_id, event);
  const all = [...byId.values()].sort(compareIds);
  const newest = query.after === undefined;
  const events = newest ? all.slice(Math.max(0, all.length - limit)) : all.slice(0, limit);
  return {
    ...files,
    events,
    has_more: all.length > limit || stream.has_more || files.has_more,
  };
}

function compareIds(a: OrchestratorEvent, b: OrchestratorEvent): number {
  return a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0;
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_QUERY_LIMIT;
  return Math.min(MAX_QUERY_LIMIT, Math.max(1, Math.floor(limit)));
}
