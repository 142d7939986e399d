import {
  ENTITY_ID_PATTERN,
  parseQueryLimit,
  RUN_STATUSES,
  RunsQuery,
  RunStatus,
} from '@orchestrator/events-contract';
import { MESSAGES } from '../shared/orchestrator-events.messages';
import { parseTimestamp } from '../event/event-time';

/**
 * The query parameters of `GET <prefix>/orchestrator/runs`: what each accepts and the words of its
 * 400 (`access_token` is read by the access guard and accepted here).
 */

/** The result of `parseRunsQuery`: the query, or every reason it was refused. */
export type ParsedRunsQuery = { ok: true; query: RunsQuery } | { ok: false; errors: string[] };

type Reader = (value: string, out: RunsQuery) => boolean;

const READERS: Record<string, { read: Reader; message: () => string }> = {
  task_id: {
    read: id((out, v) => (out.task_id = v)),
    message: () => MESSAGES.badRunsId('task_id'),
  },
  before: { read: id((out, v) => (out.before = v)), message: () => MESSAGES.badRunsId('before') },
  status: {
    read: (v, out) => {
      if (!(RUN_STATUSES as readonly string[]).includes(v)) return false;
      out.status = v as RunStatus;
      return true;
    },
    message: () => MESSAGES.badRunStatus(RUN_STATUSES),
  },
  // The events endpoints' rules for times and limit (the contract's, shared with the client).
  since: { read: time((out, v) => (out.since = v)), message: () => MESSAGES.queryTime('since') },
  until: { read: time((out, v) => (out.until = v)), message: () => MESSAGES.queryTime('until') },
  limit: {
    read: (v, out) => {
      const n = parseQueryLimit(v);
      if (n === undefined) return false;
      out.limit = n;
      return true;
    },
    message: () => MESSAGES.queryLimit(),
  },
  access_token: { read: () => true, message: () => '' },
};

function id(set: (out: RunsQuery, value: string) => void): Reader {
  return (value, out) => {
    if (!ENTITY_ID_PATTERN.test(value)) return false;
    set(out, value);
    return true;
  };
}

function time(set: (out: RunsQuery, value: string) => void): Reader {
  return (value, out) => {
    if (parseTimestamp(value) === undefined) return false;
    set(out, value);
    return true;
  };
}

/**
 * Reads a runs query string (without `?`). Unknown parameters (`Object.prototype` names
 * included), repeated ones and malformed values are refused, each error naming its parameter.
 */
export function parseRunsQuery(search: string): ParsedRunsQuery {
  const given = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(search))
    given.set(key, [...(given.get(key) ?? []), value]);
  const errors: string[] = [];
  const query: RunsQuery = {};
  for (const [key, values] of given) {
    const reader = Object.prototype.hasOwnProperty.call(READERS, key) ? READERS[key] : undefined;
    if (reader === undefined) errors.push(MESSAGES.unknownParam(key));
    else if (values.length !== 1) errors.push(MESSAGES.queryParamRepeated(key, values.length));
    else if (!reader.read(values[0], query)) errors.push(reader.message());
  }
  return errors.length === 0 ? { ok: true, query } : { ok: false, errors };
}
