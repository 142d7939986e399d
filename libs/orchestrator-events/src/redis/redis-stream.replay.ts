import { EventFilter, matches } from '@orchestrator/events-contract';
import type Redis from 'ioredis';
import { BuiltEvent } from '../lib/event/event-line';
import { decodeRange, PendingEntry, StreamEntry } from './redis-stream.codec';

/** Entries fetched per XRANGE / XREVRANGE round trip. */
export const SCAN_CHUNK = 1000;

/**
 * Resumption from the stream, for a client whose last id this instance no longer has in memory:
 * every entry after the one carrying `afterId`; when that event was delivered at publish time during
 * an outage (`pre`), also the other publishers' entries between its publisher's reader position and
 * it, which that publisher's clients had not seen; then this instance's own outage events still
 * waiting for the stream (`unsentPre`, read when the last XRANGE is sent). `undefined` when no entry
 * carries the id (trimmed, or never added): the caller reads the files.
 */
export async function replayFromStream(
  redis: Redis,
  key: string,
  afterId: string,
  filter: EventFilter,
  unsentPre: () => PendingEntry[],
): Promise<BuiltEvent[] | undefined> {
  const at = await locateEntry(redis, key, afterId);
  if (at === undefined) return undefined;
  const sent = new Set<string>([afterId]);
  const out: BuiltEvent[] = [];
  const take = (built: BuiltEvent) => {
    if (sent.has(built.id)) return;
    sent.add(built.id);
    if (matches(filter, built.event)) out.push(built);
  };
  if (at.pre && at.seen !== undefined) {
    // Its publisher delivered it before reading these: a client of that publisher lacks them.
    await readRange(redis, key, `(${at.seen}`, `(${at.streamId}`, (entry) => {
      if (entry.src !== at.src) take(entry.built);
    });
  }
  let unsent: PendingEntry[] = [];
  // The snapshot is taken as each XRANGE is sent: an XADD sent earlier on this connection is in
  // the reply, a later one is still in the queue. Live delivery covers what comes after.
  await readRange(
    redis,
    key,
    `(${at.streamId}`,
    '+',
    (entry) => take(entry.built),
    () => (unsent = unsentPre()),
  );
  for (const pending of unsent) take(pending.built);
  return out;
}

/** The newest stream entry carrying this event_id, scanning back from the end (bounded by MAXLEN). */
export async function locateEntry(
  redis: Redis,
  key: string,
  eventId: string,
): Promise<StreamEntry | undefined> {
  let end = '+';
  for (;;) {
    const reply = await redis.xrevrange(key, end, '-', 'COUNT', SCAN_CHUNK);
    const { entries, count, lastId } = decodeRange(reply);
    const found = entries.find((entry) => entry.built.id === eventId);
    if (found) return found;
    if (count < SCAN_CHUNK || lastId === undefined) return undefined;
    end = `(${lastId}`;
  }
}

/**
 * Every entry from `start` to `end` (XRANGE bounds), in chunks; `beforeSend` runs as each XRANGE
 * is sent, `afterChunk` after each chunk was visited (a caller may prune what it kept).
 */
export async function readRange(
  redis: Redis,
  key: string,
  start: string,
  end: string,
  onEntry: (entry: StreamEntry) => void,
  beforeSend?: () => void,
  afterChunk?: () => void,
): Promise<void> {
  let from = start;
  for (;;) {
    beforeSend?.();
    const reply = await redis.xrange(key, from, end, 'COUNT', SCAN_CHUNK);
    const { entries, count, lastId } = decodeRange(reply);
    entries.forEach(onEntry);
    afterChunk?.();
    if (count < SCAN_CHUNK || lastId === undefined) return;
    from = `(${lastId}`;
  }
}
