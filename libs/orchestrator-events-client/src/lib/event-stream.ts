import { OrchestratorEvent, parseEventId, parseEventLine } from '@orchestrator/events-contract';
import { backoffDelay, BackoffOptions, sleep } from './backoff';
import { StreamOptions } from './client.options';
import {
  OrchestratorEventsHttpError,
  OrchestratorEventsNetworkError,
  OrchestratorEventsProtocolError,
  isRetryable,
} from './errors';
import { readHttpError } from './http-error.reader';
import { readSseMessages } from './sse-reader';

/** What `streamEvents` needs from the client: how to reach the stream endpoint. */
export interface StreamTarget {
  /** The stream URL with the filter in its query string. */
  url: string;
  /** Headers of every request (Authorization), without Last-Event-ID. */
  headers: Record<string, string>;
  fetch: typeof fetch;
}

const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/**
 * The reconnecting event stream behind `client.stream()`: one SSE connection at a time, resumed with
 * `Last-Event-ID` = the id of the last event handed to the caller, so a reconnect neither skips nor
 * repeats an event. Ends without an error when `options.signal` aborts or the caller stops iterating;
 * throws for errors that waiting will not heal (400, 401, other 4xx, a broken protocol).
 */
// One reconnect loop: its state (last id, attempt, back-off) lives across the iterations of a
// single generator; split, it would be passed around between the parts.
// eslint-disable-next-line max-lines-per-function -- see above
export async function* streamEvents(
  target: StreamTarget,
  options: StreamOptions = {},
): AsyncGenerator<OrchestratorEvent, void, undefined> {
  const { signal } = options;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  let lastEventId = options.lastEventId;
  let retryHintMs: number | undefined;
  let failures = 0;
  let everConnected = false;

  while (!signal?.aborted) {
    const connection = new AbortController();
    const abortConnection = () => connection.abort();
    signal?.addEventListener('abort', abortConnection, { once: true });
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    let idle = false;
    const armIdleTimer = () => {
      if (idleTimeoutMs <= 0) return;
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        idle = true;
        connection.abort();
      }, idleTimeoutMs);
    };
    let lost: Error | undefined;
    try {
      const body = await connect(target, lastEventId, connection.signal);
      // No body: a 204, the SSE way for a server to say "do not reconnect".
      if (body === undefined) return;
      failures = 0;
      options.onOpen?.({ reconnected: everConnected, lastEventId });
      everConnected = true;
      armIdleTimer();
      const messages = readSseMessages(body, {
        onRetry: (ms) => (retryHintMs = ms),
        onActivity: armIdleTimer,
      });
      for await (const message of messages) {
        if (message.event === undefined || message.event === 'message') {
          const event = parseEvent(message.data, message.id);
          if (isReplay(event.event_id, lastEventId)) continue;
          lastEventId = event.event_id;
          yield event;
        } else if (message.event === 'reset') {
          options.onReset?.({ ...parseReset(message.data), last_event_id: lastEventId });
        }
        // `heartbeat` and unknown types only prove the connection is alive (see onActivity).
      }
      // The server ended the stream (a restart, a backlog cut-off): reconnect, as EventSource does.
    } catch (error) {
      if (signal?.aborted) return;
      if (idle) {
        lost = new OrchestratorEventsNetworkError(target.url, `no data for ${idleTimeoutMs} ms`);
      } else if (!isRetryable(error)) {
        throw error;
      } else if (options.failFast && !everConnected) {
        throw error;
      } else {
        lost = error as Error;
      }
    } finally {
      clearTimeout(idleTimer);
      signal?.removeEventListener('abort', abortConnection);
      // Also runs when the caller breaks out of its loop: frees the socket at once.
      connection.abort();
    }
    failures += 1;
    const backoff: BackoffOptions = {
      ...options.backoff,
      ...(retryHintMs !== undefined ? { initialMs: retryHintMs } : {}),
    };
    let delayMs = backoffDelay(failures, backoff);
    if (lost instanceof OrchestratorEventsHttpError && lost.retryAfterMs !== undefined) {
      delayMs = Math.max(delayMs, lost.retryAfterMs);
    }
    options.onRetry?.({ attempt: failures, delayMs, error: lost, lastEventId });
    await sleep(delayMs, signal);
  }
}

/**
 * One request to the stream endpoint: the event-stream body, or `undefined` for a 204. Network
 * failures and error statuses become typed errors.
 */
async function connect(
  target: StreamTarget,
  lastEventId: string | undefined,
  signal: AbortSignal,
): Promise<ReadableStream<Uint8Array> | undefined> {
  const headers: Record<string, string> = {
    Accept: 'text/event-stream',
    'Cache-Control': 'no-cache',
    ...target.headers,
  };
  if (lastEventId !== undefined) headers['Last-Event-ID'] = lastEventId;
  let response: Response;
  try {
    response = await target.fetch(target.url, { headers, signal });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new OrchestratorEventsNetworkError(target.url, error);
  }
  if (response.status === 204) return undefined;
  if (!response.ok) throw await readHttpError(response, target.url);
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('text/event-stream') || response.body === null) {
    await response.body?.cancel().catch(() => undefined);
    throw new OrchestratorEventsProtocolError(
      `${target.url} answered ${type || 'no content type'}, not text/event-stream`,
    );
  }
  return wrapBodyErrors(response.body, target.url);
}

/**
 * A body that breaks mid-stream (server killed, connection reset) rejects with a bare TypeError in
 * Node ("terminated"); turn it into a retryable network error while leaving aborts as they are.
 */
function wrapBodyErrors(
  source: ReadableStream<Uint8Array>,
  url: string,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(new OrchestratorEventsNetworkError(url, error));
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

function parseEvent(data: string, id: string | undefined): OrchestratorEvent {
  const event = parseEventLine(data);
  if (event === undefined) {
    throw new OrchestratorEventsProtocolError(
      `event ${id ?? '(no id)'} is not an event (a JSON object with event and event_id): ${data.slice(0, 200)}`,
    );
  }
  return event;
}

function parseReset(data: string): { oldest_event_id: string } {
  try {
    const body = JSON.parse(data) as { oldest_event_id?: unknown };
    if (typeof body.oldest_event_id === 'string') return { oldest_event_id: body.oldest_event_id };
  } catch {
    // fall through
  }
  throw new OrchestratorEventsProtocolError(
    `reset frame without oldest_event_id: ${data.slice(0, 200)}`,
  );
}

/**
 * True when `id` is not after `last` from the same orchestrator. Ids are strictly increasing per
 * `orch_id`, so such an event was already delivered: a safety net should a server replay overlap.
 * Ids of other orchestrators (a shared bus) are not comparable and always pass.
 */
export function isReplay(id: string, last: string | undefined): boolean {
  if (last === undefined) return false;
  const a = parseEventId(id);
  const b = parseEventId(last);
  if (a === undefined || b === undefined || a.orchId !== b.orchId) return id === last;
  return id <= last;
}
