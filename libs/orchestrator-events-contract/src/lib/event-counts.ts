import { EventLevel } from './event';
import { EventQuery } from './event-query';

/** A counts query: the filter and window of a history query, and a bucket width. */
export interface CountsQuery extends Omit<EventQuery, 'after' | 'before' | 'limit'> {
  /** Bucket width in seconds (the server may widen it to bound the number of buckets). */
  bucket?: number;
}

/** Events per level in one time bucket. */
export interface CountsBucket {
  /** Start of the bucket (ISO 8601, `Z`). */
  start: string;
  counts: Partial<Record<EventLevel, number>>;
}

/** The body of the counts endpoint: buckets in time order, empty buckets left out. */
export interface CountsPage {
  /** Bucket width in seconds actually used. */
  bucket: number;
  buckets: CountsBucket[];
  /** Set when a source that should have answered could not (the files answered alone). */
  partial?: boolean;
}
