import {
  CountsQuery,
  EventFilter,
  EventQuery,
  parseQueryLimit,
  parseQueryTime,
  QUERY_LIMIT_RULE,
  QUERY_TIME_RULE,
  RunsQuery,
} from '@orchestrator/events-contract';
import { OrchestratorEventsQueryError } from './errors';

/**
 * The query string for a filter or history query, as the server reads it. Empty and undefined
 * criteria are left out (an empty `event` list means "any event", as in `matches()`). `limit`,
 * `since` and `until` are checked here by the contract's rules, the server's own: a limit that is
 * not a decimal integer of 1-1000 and a date-time without offset (which would mean local time
 * here and UTC nowhere) throw `OrchestratorEventsQueryError`. Other values are passed as given,
 * so that a bad one comes back as the server's own 400 message.
 */
export function toSearchParams(query: EventQuery): URLSearchParams {
  const params = checkedParams(query, () => ({
    task_id: query.task_id,
    run_id: query.run_id,
    event: query.event?.join(','),
    level: query.level,
    since: toIso(query.since),
    until: toIso(query.until),
    after: query.after,
    before: query.before,
    limit: query.limit,
  }));
  setSearch(params, query);
  return params;
}

/**
 * The values in their order, read once `query`'s limit and window pass the contract's rules
 * (`OrchestratorEventsQueryError` otherwise, before an invalid date is read); an undefined or
 * empty value is left out.
 */
function checkedParams(
  query: Pick<EventQuery, 'limit' | 'since' | 'until'>,
  values: () => Record<string, string | number | undefined>,
): URLSearchParams {
  checkQuery(query);
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values())) {
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  return params;
}

function checkQuery({ limit, since, until }: Pick<EventQuery, 'limit' | 'since' | 'until'>): void {
  if (limit !== undefined && parseQueryLimit(String(limit)) === undefined) {
    throw new OrchestratorEventsQueryError('limit', QUERY_LIMIT_RULE);
  }
  for (const [name, value] of [
    ['since', since],
    ['until', until],
  ] as const) {
    if (typeof value === 'string' && value !== '' && parseQueryTime(value) === undefined) {
      throw new OrchestratorEventsQueryError(name, QUERY_TIME_RULE);
    }
    if (value instanceof Date && !Number.isFinite(value.getTime())) {
      throw new OrchestratorEventsQueryError(name, QUERY_TIME_RULE);
    }
  }
}

/**
 * `q` and each `extras.<key>` (an empty value too: it asks for a field equal to "").
 */
function setSearch(params: URLSearchParams, query: EventQuery): void {
  if (query.q !== undefined && query.q !== '') params.set('q', query.q);
  for (const [key, value] of Object.entries(query.extras ?? {})) {
    params.set(`extras.${key}`, value);
  }
}

/** The query string of a runs query (`GET .../orchestrator/runs`). */
export function runsSearchParams(query: RunsQuery): URLSearchParams {
  return checkedParams(query, () => ({
    task_id: query.task_id,
    status: query.status,
    since: toIso(query.since),
    until: toIso(query.until),
    before: query.before,
    limit: query.limit,
  }));
}

/** The query string of a counts query (`GET .../orchestrator/events/counts`). */
export function countsSearchParams(query: CountsQuery): URLSearchParams {
  const params = toSearchParams(query);
  if (query.bucket !== undefined) params.set('bucket', String(query.bucket));
  return params;
}

/** The runs endpoint beside the events endpoint: `.../orchestrator/events` → `.../orchestrator/runs`. */
export function siblingUrl(eventsUrl: string, name: string): string {
  const url = eventsUrl.replace(/\/+$/, '');
  return `${url.slice(0, url.lastIndexOf('/') + 1)}${name}`;
}

function toIso(value: string | Date | undefined): string | undefined {
  return value instanceof Date ? value.toISOString() : value;
}

/** `base` + `/` + `path`, without doubling or dropping the slash between them. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** `url?params`, or `url` alone when there are none. */
export function withQuery(url: string, params: URLSearchParams): string {
  const search = params.toString();
  return search ? `${url}?${search}` : url;
}

/** The URL, query string included, of each endpoint the client reads. */
export interface EndpointUrls {
  /** `GET <eventsPath>`: a page of history. */
  events(query: EventQuery): string;
  /** `GET <eventsPath>/stream`: the live stream. */
  stream(filter: EventFilter): string;
  /** `GET .../orchestrator/runs`, beside the events endpoint: a page of runs. */
  runs(query: RunsQuery): string;
  /** `GET <eventsPath>/counts`: events per level per bucket. */
  counts(query: CountsQuery): string;
}

/** Every endpoint's URL from the events endpoint's (`eventsUrl`). */
export function endpointUrls(eventsUrl: string): EndpointUrls {
  return {
    events: (query) => withQuery(eventsUrl, toSearchParams(query)),
    stream: (filter) => withQuery(joinUrl(eventsUrl, 'stream'), toSearchParams(filter)),
    runs: (query) => withQuery(siblingUrl(eventsUrl, 'runs'), runsSearchParams(query)),
    counts: (query) => withQuery(joinUrl(eventsUrl, 'counts'), countsSearchParams(query)),
  };
}
