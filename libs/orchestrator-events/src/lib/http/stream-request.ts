import { EVENT_ID_PATTERN, EventFilter } from '@orchestrator/events-contract';
import { IncomingMessage } from 'node:http';
import { MESSAGES } from '../shared/orchestrator-events.messages';
import { parseEventsQuery, searchOf } from './events-query.rules';
import { SseHub } from './sse-hub.service';

/** A stream request read: what to open, or why not (the status and the words of the answer). */
export type StreamRequest =
  | {
      ok: true;
      filter: EventFilter;
      /** The `Last-Event-ID` header, else the `last_event_id` parameter. */
      lastEventId: string | undefined;
      accessToken: string | undefined;
      ip: string;
    }
  | { ok: false; status: 400 | 429; messages: string[] };

/**
 * The one reading of `GET <path>/stream`, for the Nest controller and the fast path alike: the
 * query rules, the `Last-Event-ID` header, the client address and the stream limits. (The token is
 * checked by `EventsAccessGuard` on both paths.)
 */
export function readStreamRequest(
  req: IncomingMessage & { ip?: string },
  hub: SseHub,
): StreamRequest {
  const parsed = parseEventsQuery(searchOf(req.url), 'stream');
  if (!parsed.ok) return { ok: false, status: 400, messages: parsed.errors };
  const header = req.headers['last-event-id'];
  if (header !== undefined && (typeof header !== 'string' || !EVENT_ID_PATTERN.test(header))) {
    return { ok: false, status: 400, messages: [MESSAGES.badLastEventIdHeader()] };
  }
  const ip = clientIp(req);
  const refusal = hub.refusal(ip);
  if (refusal !== undefined) return { ok: false, status: 429, messages: [refusal] };
  return {
    ok: true,
    filter: parsed.query.filter,
    lastEventId: header ?? parsed.query.lastEventId,
    accessToken: parsed.query.accessToken,
    ip,
  };
}

/**
 * The address a stream counts against for the per-address limit: Express's `req.ip` (which
 * honours its `trust proxy` setting) when there is one, else the socket's. The fast path stays off
 * under `trust proxy`, so both paths count the same address.
 */
export function clientIp(req: IncomingMessage & { ip?: string }): string {
  return req.ip ?? req.socket?.remoteAddress ?? 'unknown';
}
