import { BackoffOptions } from './backoff';

/** Options of `new OrchestratorEventsClient(...)`. */
export interface OrchestratorEventsClientOptions {
  /** Where the app is served, e.g. `http://127.0.0.1:3000` (the API is under it). Required. */
  baseUrl: string;
  /**
   * Bearer token for servers started with `ORCH_EVENTS_TOKEN`. Sent as `Authorization: Bearer <token>`,
   * never in the URL. Default: none.
   */
  token?: string;
  /**
   * Path of the history endpoint under `baseUrl`; the stream is `<eventsPath>/stream`.
   * Default `/api/v1/orchestrator/events` (change it with the module's `controller: { path }`).
   */
  eventsPath?: string;
  /** The `fetch` to use (tests, proxies, polyfills). Default: the global `fetch`. */
  fetch?: typeof fetch;
}

/** What `stream()` passes to `onReset`: the events between the resume id and this one are gone. */
export interface StreamReset {
  /** The oldest event the server still had; the stream goes on from it. */
  oldest_event_id: string;
  /** The id the client asked to resume after. */
  last_event_id?: string;
}

/** What `stream()` passes to `onRetry` before it waits to reconnect. */
export interface StreamRetry {
  /** Consecutive failed attempts so far (1 for the first retry after a loss). */
  attempt: number;
  /** How long it waits now, in ms. */
  delayMs: number;
  /** Why the connection ended: a network error, a retryable HTTP error, or `undefined` when the server closed it. */
  error?: Error;
  /** The id it will resume after, if any event was received. */
  lastEventId?: string;
}

/** What `stream()` passes to `onOpen` each time a connection is established. */
export interface StreamOpen {
  /** True for connections after the first one. */
  reconnected: boolean;
  /** The id sent as `Last-Event-ID`, if any. */
  lastEventId?: string;
}

/** Options of `client.stream(filter, options)`. */
export interface StreamOptions {
  /** Start after this event id (the server replays what came after it). Default: only new events. */
  lastEventId?: string;
  /** Ends the iteration (without an error) when it fires. */
  signal?: AbortSignal;
  /** Called when the server says the resume id is older than anything it kept: history was lost. */
  onReset?: (reset: StreamReset) => void;
  /** Called before each wait to reconnect (after a network error, a 5xx/429, or the server closing). */
  onRetry?: (retry: StreamRetry) => void;
  /** Called each time a connection is established (status 200 received). */
  onOpen?: (open: StreamOpen) => void;
  /** Reconnection delays. The server's `retry:` hint replaces `initialMs`. */
  backoff?: BackoffOptions;
  /**
   * When true, a failure of the very first connection attempt is thrown instead of retried (a CLI
   * wants "server unreachable" at once). Losses after a first success are always retried. Default false.
   */
  failFast?: boolean;
  /**
   * Reconnect when nothing (not even a heartbeat) arrived for this long, in ms: a silently dead
   * connection (a suspended laptop, a dropped NAT entry) never reports an error. The server sends a
   * heartbeat every 15 s by default. 0 disables it. Default 60000.
   */
  idleTimeoutMs?: number;
}

/** Options of `client.query()` and `client.queryAll()`. */
export interface RequestOptions {
  /** Cancels the request; the call then rejects with the signal's reason (an `AbortError`). */
  signal?: AbortSignal;
}

/** Options of `client.queryAll()`. */
export interface QueryAllOptions extends RequestOptions {
  /** Events per request, 1-1000. Default 1000 (`MAX_QUERY_LIMIT`): the fewest round trips. */
  pageSize?: number;
}
