import {
  CountsPage,
  CountsQuery,
  EventFilter,
  EventQuery,
  EventsPage,
  MAX_QUERY_LIMIT,
  OrchestratorEvent,
  RunsPage,
  RunsQuery,
} from '@orchestrator/events-contract';
import {
  OrchestratorEventsClientOptions,
  QueryAllOptions,
  RequestOptions,
  StreamOptions,
} from './client.options';
import { OrchestratorEventsNetworkError, OrchestratorEventsProtocolError } from './errors';
import { streamEvents } from './event-stream';
import { readHttpError } from './http-error.reader';
import { EndpointUrls, endpointUrls, joinUrl } from './query-params';

/** Where the module serves its controller by default, under the demo app's `api/v1` prefix. */
export const DEFAULT_EVENTS_PATH = '/api/v1/orchestrator/events';

/**
 * An `after` cursor below every real id (zero milliseconds, zero sequence), in the documented id
 * format so the server accepts it: with it the first page is the oldest one, not the newest.
 */
export const OLDEST_CURSOR = '0000000000000-000000-0';

/** The filter of `queryAll()`: a query without a page size or a `before` cursor (it pages forward). */
export type QueryAllFilter = Omit<EventQuery, 'limit' | 'before'>;

/**
 * Typed client of the orchestrator-events HTTP API: history pages (`query`, `queryAll`) and the
 * live, resumable stream (`stream`). Uses only `fetch`, streams and `TextDecoder`: Node 20 and browsers.
 */
export class OrchestratorEventsClient {
  private readonly urls: EndpointUrls;
  private readonly headers: Record<string, string>;
  private readonly fetch: typeof fetch;

  constructor(options: OrchestratorEventsClientOptions) {
    if (!options.baseUrl) throw new TypeError('OrchestratorEventsClient: baseUrl is required');
    this.urls = endpointUrls(joinUrl(options.baseUrl, options.eventsPath ?? DEFAULT_EVENTS_PATH));
    this.headers = options.token ? { Authorization: `Bearer ${options.token}` } : {};
    // A wrapper, not the bare global: browsers throw "Illegal invocation" when fetch is called
    // as a method of another object.
    const fetchFn = options.fetch;
    this.fetch = fetchFn ?? ((input, init) => fetch(input, init));
  }

  /**
   * One page of history, in chronological order. Without `after`: the newest `limit` matches; with
   * `after`: the oldest `limit` matches after that id. `has_more` says whether more lie beyond.
   * `limit` defaults to 100 on the server (`DEFAULT_QUERY_LIMIT`), at most 1000.
   * @throws OrchestratorEventsBadRequestError (400: the server's message names the bad parameter),
   *   OrchestratorEventsUnauthorizedError (401), OrchestratorEventsHttpError, OrchestratorEventsNetworkError.
   */
  async query(query: EventQuery = {}, options: RequestOptions = {}): Promise<EventsPage> {
    const url = this.urls.events(query);
    const { events, has_more } = await this.getPage<EventsPage>(url, options, {
      events: 'array',
      has_more: 'boolean',
    });
    return { events, has_more };
  }

  /**
   * One page of runs as records, newest first by `started_at` (`GET .../orchestrator/runs`, beside
   * the events endpoint): filtered by `task_id`, `status`, `since`/`until` (on `started_at`);
   * `before` a run_id for the next page; `limit` 1-1000, default 100. `partial: true` when the
   * server's history store could not answer and its files did.
   * @throws as `query()`.
   */
  async runs(query: RunsQuery = {}, options: RequestOptions = {}): Promise<RunsPage> {
    const url = this.urls.runs(query);
    return this.getPage<RunsPage>(url, options, { runs: 'array', has_more: 'boolean' });
  }

  /**
   * Events per level per time bucket (`GET <eventsPath>/counts`), with the filters and window of
   * `query()` and `bucket` in seconds (default 60; the server widens it to at most 1440 buckets).
   * @throws as `query()`.
   */
  async counts(query: CountsQuery = {}, options: RequestOptions = {}): Promise<CountsPage> {
    const url = this.urls.counts(query);
    return this.getPage<CountsPage>(url, options, { bucket: 'number', buckets: 'array' });
  }

  /**
   * `getJson`, then an `OrchestratorEventsProtocolError` naming `fields` unless the body has each
   * of them of its kind (an array, a boolean or a number).
   */
  private async getPage<T>(
    url: string,
    options: RequestOptions,
    fields: { [K in keyof T]?: 'array' | 'boolean' | 'number' },
  ): Promise<T> {
    const page = await this.getJson<T>(url, options);
    const whole = Object.entries(fields).every(([key, kind]) => {
      const value = (page as Record<string, unknown>)[key];
      return kind === 'array' ? Array.isArray(value) : typeof value === kind;
    });
    if (!whole) {
      const names = Object.keys(fields).join('/');
      throw new OrchestratorEventsProtocolError(`${url} answered JSON without ${names}`);
    }
    return page as T;
  }

  /** GETs `url` as JSON: HTTP errors, network errors and non-JSON bodies as the client's errors. */
  private async getJson<T>(url: string, options: RequestOptions): Promise<Partial<T>> {
    let response: Response;
    try {
      response = await this.fetch(url, {
        headers: { Accept: 'application/json', ...this.headers },
        signal: options.signal,
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new OrchestratorEventsNetworkError(url, error);
    }
    if (!response.ok) throw await readHttpError(response, url);
    try {
      return ((await response.json()) ?? {}) as Partial<T>;
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new OrchestratorEventsProtocolError(`${url} answered a body that is not JSON`);
    }
  }

  /**
   * Every matching event, oldest first, fetched page by page with `after` cursors (from `after`
   * when given, else from the oldest event kept). Stops at the newest match that existed when the
   * last page was read; bound it in time with `until`.
   */
  async *queryAll(
    query: QueryAllFilter = {},
    options: QueryAllOptions = {},
  ): AsyncGenerator<OrchestratorEvent, void, undefined> {
    const limit = options.pageSize ?? MAX_QUERY_LIMIT;
    let after = query.after ?? OLDEST_CURSOR;
    for (;;) {
      const page = await this.query({ ...query, after, limit }, options);
      yield* page.events;
      const last = page.events[page.events.length - 1]?.event_id;
      if (!page.has_more || last === undefined) return;
      // A cursor that does not move would page forever: a broken server, not a reason to hang.
      if (last <= after) {
        throw new OrchestratorEventsProtocolError(`paging did not advance past ${after}`);
      }
      after = last;
    }
  }

  /**
   * Live matching events, for `for await`. Reconnects by itself after a network error, a 5xx/429 or
   * a server restart (waiting the server's `retry:` hint, then longer), resuming after the last
   * event it delivered: no gap, no duplicate. `onReset` tells when the server no longer had events
   * that far back. Ends when `signal` aborts or the loop breaks.
   * @throws OrchestratorEventsBadRequestError (400), OrchestratorEventsUnauthorizedError (401) and
   *   other 4xx at once: they are never retried.
   */
  stream(
    filter: EventFilter = {},
    options: StreamOptions = {},
  ): AsyncGenerator<OrchestratorEvent, void, undefined> {
    const url = this.urls.stream(filter);
    return streamEvents({ url, headers: this.headers, fetch: this.fetch }, options);
  }
}
