import {
  ENTITY_ID_PATTERN,
  EVENT_ID_PATTERN,
  EVENT_LEVELS,
  EVENT_NAME_PATTERN,
  EventFilter,
  MAX_QUERY_LIMIT,
  parseLevel,
  parseQueryLimit,
} from '@orchestrator/events-contract';
import { parseTimestamp } from '../event/event-time';
import {
  EXTRAS_PARAM_DOC,
  isExtrasParam,
  readExtras,
  readSearch,
  SEARCH_DOC,
} from './search-query.rules';
import { ID_RULE, MESSAGES } from '../shared/orchestrator-events.messages';

/**
 * The query parameters of both endpoints, once: what each accepts, the words of its 400, and its
 * OpenAPI description. The Nest controller and the stream fast path read queries with
 * `parseEventsQuery` only, so both answer every request alike, and a user's global
 * `ValidationPipe` has nothing of ours to act on.
 */

/** Which endpoint a query is for: `GET /events` or `GET /events/stream`. */
export type EventsEndpoint = 'list' | 'stream';

/** A query that passed the rules. */
export interface EventsQuery {
  filter: EventFilter;
  since?: string;
  until?: string;
  after?: string;
  before?: string;
  limit?: number;
  /** `last_event_id` (stream): where a first connection resumes. */
  lastEventId?: string;
  /** `access_token`: the token, for clients that cannot send headers (browser EventSource). */
  accessToken?: string;
}

/** OpenAPI description of a parameter (what `@ApiQuery` takes, minus the name). */
export interface ParamDoc {
  description: string;
  type?: 'string' | 'integer';
  example?: string;
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
  default?: number;
}

interface ParamRule {
  name: string;
  endpoints: readonly EventsEndpoint[];
  /** What the 400 says when `read` refuses. */
  message: string;
  /**
   * May the parameter be given more than once (`?event=a&event=b`)? Default false: a repeat is
   * a 400 saying so (which of two task_ids would count?), before `read` sees the values.
   */
  repeatable?: boolean;
  /** Reads every value given for the parameter (one unless `repeatable`) into `out`; false refuses. */
  read: (values: string[], out: EventsQuery) => boolean;
  doc: ParamDoc;
}

const BOTH: readonly EventsEndpoint[] = ['list', 'stream'];
const LIST: readonly EventsEndpoint[] = ['list'];

/** One value matching `pattern`. */
const single =
  (pattern: RegExp, set: (out: EventsQuery, value: string) => void) =>
  ([value]: string[], out: EventsQuery): boolean => {
    if (!pattern.test(value)) return false;
    set(out, value);
    return true;
  };

/**
 * A time as the contract's `parseQueryTime` reads it (the rule the client and CLI share): ISO 8601
 * extended form with an offset, or a date alone, years 0000-9999. Anything else, `Date`'s looser
 * readings (`1`, `Dec 1 2026`) and a date-time without offset included, is a 400.
 */
const eventTime =
  (set: (out: EventsQuery, value: string) => void) =>
  ([value]: string[], out: EventsQuery): boolean => {
    if (parseTimestamp(value) === undefined) return false;
    set(out, value);
    return true;
  };

const RULES: readonly ParamRule[] = [
  {
    name: 'access_token',
    endpoints: BOTH,
    message: MESSAGES.badAccessToken(),
    read: single(/^/, (out, v) => (out.accessToken = v)),
    doc: {
      description:
        'The ORCH_EVENTS_TOKEN, for clients that cannot send an Authorization header (browser EventSource)',
    },
  },
  {
    name: 'task_id',
    endpoints: BOTH,
    message: MESSAGES.badEntityId('task_id'),
    read: single(ENTITY_ID_PATTERN, (out, v) => (out.filter.task_id = v)),
    doc: { description: `Exact task id: ${ID_RULE}`, example: 'task-123' },
  },
  {
    name: 'run_id',
    endpoints: BOTH,
    message: MESSAGES.badEntityId('run_id'),
    read: single(ENTITY_ID_PATTERN, (out, v) => (out.filter.run_id = v)),
    doc: { description: `Exact run id: ${ID_RULE}`, example: 'run-456' },
  },
  {
    name: 'event',
    endpoints: BOTH,
    message: MESSAGES.badEventNames(),
    repeatable: true,
    // `a,b` and repeated parameters (`?event=a&event=b`) alike: one list, names trimmed.
    read: (values, out) => {
      const names = values.flatMap((value) => value.split(',').map((name) => name.trim()));
      if (!names.every((name) => EVENT_NAME_PATTERN.test(name))) return false;
      out.filter.event = names;
      return true;
    },
    doc: {
      description: 'Event names, comma-separated: any of them',
      example: 'job_started,job_completed',
    },
  },
  {
    name: 'level',
    endpoints: BOTH,
    message: MESSAGES.badLevel(),
    read: (values, out) => {
      const level = parseLevel(values[0]);
      if (level === undefined) return false;
      out.filter.level = level;
      return true;
    },
    doc: { description: 'Minimum level, any case (WARN = WARNING)', enum: EVENT_LEVELS },
  },
  {
    name: 'since',
    endpoints: LIST,
    message: MESSAGES.queryTime('since'),
    read: eventTime((out, v) => (out.since = v)),
    doc: {
      description: 'Inclusive lower bound on timestamp: ISO 8601 with an offset, or a date (UTC)',
      example: '2026-11-24T10:30:00Z',
    },
  },
  {
    name: 'until',
    endpoints: LIST,
    message: MESSAGES.queryTime('until'),
    read: eventTime((out, v) => (out.until = v)),
    doc: {
      description: 'Exclusive upper bound on timestamp: ISO 8601 with an offset, or a date (UTC)',
      example: '2026-11-24T11:00:00+01:00',
    },
  },
  {
    name: 'after',
    endpoints: LIST,
    message: MESSAGES.badEventId('after'),
    read: single(EVENT_ID_PATTERN, (out, v) => (out.after = v)),
    doc: { description: 'Cursor: events with an id above this one (the oldest `limit` of them)' },
  },
  {
    name: 'before',
    endpoints: LIST,
    message: MESSAGES.badEventId('before'),
    read: single(EVENT_ID_PATTERN, (out, v) => (out.before = v)),
    doc: { description: 'Cursor: events with an id below this one' },
  },
  {
    name: 'limit',
    endpoints: LIST,
    message: MESSAGES.queryLimit(),
    // The contract's rule, as the client and CLI apply it: `1e2`, `0x10`, `+5`, `05`, ` 10` are
    // numbers to `Number()` but not what a page size is written as.
    read: ([value], out) => {
      const n = parseQueryLimit(value);
      if (n === undefined) return false;
      out.limit = n;
      return true;
    },
    doc: {
      description: 'Events per page: a decimal integer without sign or leading zero',
      type: 'integer',
      minimum: 1,
      maximum: MAX_QUERY_LIMIT,
      default: 100,
    },
  },
  {
    name: 'q',
    endpoints: BOTH,
    message: MESSAGES.badSearch(),
    read: readSearch,
    doc: SEARCH_DOC,
  },
  {
    name: 'last_event_id',
    endpoints: ['stream'],
    message: MESSAGES.badEventId('last_event_id'),
    read: single(EVENT_ID_PATTERN, (out, v) => (out.lastEventId = v)),
    doc: {
      description:
        'Resume after this event_id on a first connection; the Last-Event-ID header wins over it',
    },
  },
];

/** The result of `parseEventsQuery`: the query, or every reason it was refused (the 400's words). */
export type ParsedEventsQuery = { ok: true; query: EventsQuery } | { ok: false; errors: string[] };

/**
 * Reads a query string (without `?`) for `endpoint`. Refuses unknown parameters (a typo in a filter
 * must not silently widen the result), including `Object.prototype` names such as `__proto__`,
 * and malformed values; the errors name each parameter, unknown ones first.
 */
export function parseEventsQuery(search: string, endpoint: EventsEndpoint): ParsedEventsQuery {
  const given = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(search)) {
    const values = given.get(key);
    if (values) values.push(value);
    else given.set(key, [value]);
  }
  const errors: string[] = [];
  const known = new Set<string>();
  for (const rule of RULES) if (rule.endpoints.includes(endpoint)) known.add(rule.name);
  for (const key of given.keys()) {
    if (!known.has(key) && !isExtrasParam(key)) errors.push(MESSAGES.unknownParam(key));
  }
  const query: EventsQuery = { filter: {} };
  for (const rule of RULES) {
    const values = given.get(rule.name);
    if (values === undefined || !known.has(rule.name)) continue;
    if (values.length > 1 && rule.repeatable !== true) {
      errors.push(MESSAGES.queryParamRepeated(rule.name, values.length));
    } else if (!rule.read(values, query)) errors.push(rule.message);
  }
  errors.push(...readExtras(given, query.filter));
  return errors.length === 0 ? { ok: true, query } : { ok: false, errors };
}

/** The query string of a request URL (`/path?a=1` → `a=1`). */
export function searchOf(url: string | undefined): string {
  const at = url?.indexOf('?') ?? -1;
  return at < 0 || url === undefined ? '' : url.slice(at + 1);
}

/** The parameters of `endpoint` with their OpenAPI descriptions, for `@ApiQuery`. */
export function paramDocs(endpoint: EventsEndpoint): (ParamDoc & { name: string })[] {
  return [
    ...RULES.filter((rule) => rule.endpoints.includes(endpoint)).map((rule) => ({
      name: rule.name,
      ...rule.doc,
    })),
    EXTRAS_PARAM_DOC,
  ];
}
