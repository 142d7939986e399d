import {
  ENTITY_ID_PATTERN,
  EVENT_ID_PATTERN,
  EVENT_NAME_PATTERN,
  EventFilter,
  parseLevel,
} from '@orchestrator/events-contract';

/** What a stream request asks for, once its query passed the rules of `EventsStreamQueryDto`. */
export interface StreamQuery {
  filter: EventFilter;
  lastEventId?: string;
  accessToken?: string;
}

/**
 * Reads a stream query string (without `?`) under the same rules as `EventsStreamQueryDto`, for the
 * fast path. `undefined` means "not certainly valid": an unknown or repeated parameter, a malformed
 * value. The fast path then hands the request to Nest, whose validation gives the precise 400, so
 * both paths answer every request alike.
 */
export function parseStreamQuery(search: string): StreamQuery | undefined {
  const filter: EventFilter = {};
  const out: StreamQuery = { filter };
  const seen = new Set<string>();
  const events: string[] = [];
  for (const [key, value] of new URLSearchParams(search)) {
    if (key === 'event') {
      // `a,b` and repeated parameters alike, names trimmed: as the DTO's list transform does.
      for (const name of value.split(',')) {
        const trimmed = name.trim();
        if (!EVENT_NAME_PATTERN.test(trimmed)) return undefined;
        events.push(trimmed);
      }
      continue;
    }
    if (seen.has(key)) return undefined;
    seen.add(key);
    switch (key) {
      case 'task_id':
      case 'run_id':
        if (!ENTITY_ID_PATTERN.test(value)) return undefined;
        filter[key] = value;
        break;
      case 'level': {
        const level = parseLevel(value);
        if (level === undefined) return undefined;
        filter.level = level;
        break;
      }
      case 'last_event_id':
        if (!EVENT_ID_PATTERN.test(value)) return undefined;
        out.lastEventId = value;
        break;
      case 'access_token':
        out.accessToken = value;
        break;
      default:
        return undefined;
    }
  }
  if (events.length > 0) filter.event = events;
  return out;
}
