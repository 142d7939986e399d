import { parseEventLine } from '@orchestrator/events-contract';
import { BuiltEvent } from '../lib/event/event-line';

/**
 * One event as it sits in the Redis Stream. Fields of the entry:
 * - `id`: the event_id; `line`: the JSON line exactly as written to the file;
 * - `src`: the publishing process (`<orch_id>:<random>`), so a reader recognises its own events;
 * - `pre` and `seen`, only on events their publisher delivered to its local clients at publish time
 *   (Redis was unreachable): `seen` is the stream position its reader had reached then, which lets
 *   another instance resume a client of that publisher without a gap (see `RedisEventBus.replay`).
 */
export interface StreamEntry {
  /** The Redis Stream entry id (`<ms>-<n>`), the stream position. */
  readonly streamId: string;
  readonly built: BuiltEvent;
  readonly src: string;
  readonly pre: boolean;
  readonly seen: string | undefined;
}

/** An event waiting to be added to the stream. */
export interface PendingEntry {
  readonly built: BuiltEvent;
  /** Delivered to local clients at publish time. */
  pre: boolean;
  /** The reader's stream position when it was delivered locally, if known. */
  seen: string | undefined;
}

/** The field/value list of XADD for one pending entry. */
export function encodeEntry(entry: PendingEntry, src: string): string[] {
  const fields = ['id', entry.built.id, 'line', entry.built.line, 'src', src];
  if (entry.pre) {
    fields.push('pre', '1');
    if (entry.seen !== undefined) fields.push('seen', entry.seen);
  }
  return fields;
}

/**
 * Decodes one `[streamId, [field, value, ...]]` reply item; `undefined` for an entry this library
 * did not write (another producer on the same key) or a corrupt line: skipped, never thrown.
 */
export function decodeEntry(item: unknown): StreamEntry | undefined {
  if (!Array.isArray(item) || typeof item[0] !== 'string' || !Array.isArray(item[1]))
    return undefined;
  const values = item[1] as unknown[];
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < values.length; i += 2)
    fields.set(String(values[i]), String(values[i + 1]));
  const line = fields.get('line');
  const id = fields.get('id');
  if (line === undefined || id === undefined) return undefined;
  const event = parseEventLine(line);
  if (event === undefined || event.event_id !== id) return undefined;
  return {
    streamId: item[0],
    built: { id, event, line },
    src: fields.get('src') ?? '',
    pre: fields.get('pre') === '1',
    seen: fields.get('seen'),
  };
}

/** Decodes an XRANGE / XREVRANGE reply. */
export function decodeRange(reply: unknown): {
  entries: StreamEntry[];
  count: number;
  lastId?: string;
} {
  const items = Array.isArray(reply) ? reply : [];
  const entries: StreamEntry[] = [];
  for (const item of items) {
    const entry = decodeEntry(item);
    if (entry) entries.push(entry);
  }
  const last = items[items.length - 1] as unknown;
  const lastId = Array.isArray(last) && typeof last[0] === 'string' ? last[0] : undefined;
  return { entries, count: items.length, lastId };
}

/** Decodes an XREAD reply for one stream (`[[key, items]]` or null). */
export function decodeRead(reply: unknown): {
  entries: StreamEntry[];
  count: number;
  lastId?: string;
} {
  if (!Array.isArray(reply) || reply.length === 0 || !Array.isArray(reply[0])) {
    return { entries: [], count: 0 };
  }
  return decodeRange((reply[0] as unknown[])[1]);
}
