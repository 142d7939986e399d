import {
  CountsQuery,
  MAX_COUNTS_BUCKET_S,
  parseDecimalInteger,
} from '@orchestrator/events-contract';
import { MESSAGES } from '../shared/orchestrator-events.messages';
import { parseEventsQuery } from './events-query.rules';

/**
 * The query parameters of `GET <prefix>/orchestrator/events/counts`: `bucket`, and the filters and
 * window of the events endpoint, read by its rules (the same words in the same 400s). Its cursors
 * and `limit` are no counts parameters.
 */

/** The result of `parseCountsQuery`: the query, or every reason it was refused. */
export type ParsedCountsQuery = { ok: true; query: CountsQuery } | { ok: false; errors: string[] };

const NOT_FOR_COUNTS = ['after', 'before', 'limit'];

/** Reads a counts query string (without `?`). */
export function parseCountsQuery(search: string): ParsedCountsQuery {
  const params = new URLSearchParams(search);
  const errors: string[] = [];
  let bucket: number | undefined;
  const buckets = params.getAll('bucket');
  if (buckets.length > 0) {
    // The decimal rule of limit (no sign, exponent or leading zero), from the contract.
    const n = parseDecimalInteger(buckets[0], 1, MAX_COUNTS_BUCKET_S);
    if (buckets.length !== 1) {
      errors.push(MESSAGES.queryParamRepeated('bucket', buckets.length));
    } else if (n === undefined) {
      errors.push(MESSAGES.badBucket(MAX_COUNTS_BUCKET_S));
    } else {
      bucket = n;
    }
    params.delete('bucket');
  }
  for (const name of NOT_FOR_COUNTS) {
    if (params.has(name)) {
      errors.push(MESSAGES.unknownParam(name));
      params.delete(name);
    }
  }
  const parsed = parseEventsQuery(params.toString(), 'list');
  if (!parsed.ok) errors.push(...parsed.errors);
  if (!parsed.ok || errors.length > 0) return { ok: false, errors };
  const { filter, since, until } = parsed.query;
  return { ok: true, query: { ...filter, since, until, bucket } };
}
