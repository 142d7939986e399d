import type Redis from 'ioredis';
import { EventQuery, EventsPage, OrchestratorEvent } from '@orchestrator/events-contract';
import { acceptor, clampLimit, compareIds } from '../lib/event/history-query';
import { readRange } from './redis-stream.replay';

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
  const accept = acceptor(query);
  // Keep the best `limit + 1` (the extra one tells has_more), pruning as the scan goes.
  const keep = limit + 1;
  const newest = query.after === undefined;
  const byId = new Map<string, OrchestratorEvent>();
  let found: OrchestratorEvent[] = [];
  const prune = () => {
    found.sort(compareIds);
    found = newest ? found.slice(-keep) : found.slice(0, keep);
  };
  await readRange(
    redis,
    key,
    '-',
    '+',
    ({ built }) => {
      // The same event twice (an XADD resent after a cut connection): keep one.
      if (byId.has(built.event.event_id) || !accept(built.event)) return;
      byId.set(built.event.event_id, built.event);
      found.push(built.event);
    },
    undefined,
    () => {
      if (found.length > keep * 4) prune();
    },
  );
  prune();
  const has_more = found.length > limit;
  const events = newest ? found.slice(-limit) : found.slice(0, limit);
  return { events, has_more };
}

/**
 * The smallest event_id in the stream, or undefined when it is empty. The stream order is not the
 * id order, so the whole stream is read, as by a history query; only a resume from an id that
 * neither the replay ring nor the stream holds asks for it.
 */
export async function oldestStreamEventId(redis: Redis, key: string): Promise<string | undefined> {
  let oldest: string | undefined;
  await readRange(redis, key, '-', '+', ({ built }) => {
    if (oldest === undefined || built.id < oldest) oldest = built.id;
  });
  return oldest;
}
