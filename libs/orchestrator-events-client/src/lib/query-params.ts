import { EventQuery } from '@orchestrator/events-contract';

/**
 * The query string for a filter or history query, as the server reads it. Empty and undefined
 * criteria are left out (an empty `event` list means "any event", as in `matches()`); values are
 * passed as given so that a bad one comes back as the server's own 400 message.
 */
export function toSearchParams(query: EventQuery): URLSearchParams {
  const params = new URLSearchParams();
  const set = (name: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') params.set(name, String(value));
  };
  set('task_id', query.task_id);
  set('run_id', query.run_id);
  if (query.event !== undefined && query.event.length > 0) set('event', query.event.join(','));
  set('level', query.level);
  set('since', toIso(query.since));
  set('until', toIso(query.until));
  set('after', query.after);
  set('before', query.before);
  set('limit', query.limit);
  return params;
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
