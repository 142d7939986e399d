import { EventLevel } from './event';
import { EventQuery } from './event-query';

/** A counts query: the filter and window of a history query, and a bucket width. */
export interface CountsQuery extends Omit<EventQuery, 'after' | 'before' | 'limit'> {
  /**
   * Bucket width in seconds, 1-`MAX_COUNTS_BUCKET_S`; default `DEFAULT_COUNTS_BUCKET_S`. Buckets
   * start at multiples of the width since the epoch (UTC). The server widens it (to a multiple of
   * it) so that the window holds at most `MAX_COUNTS_BUCKETS` buckets.
   */
  bucket?: number;
}

/** Bucket width when a counts query gives none: one minute. */
export const DEFAULT_COUNTS_BUCKET_S = 60;
/** Widest bucket: one week. */
export const MAX_COUNTS_BUCKET_S = 604_800;
/** Most buckets from the first to the last of one answer (a day of minutes). */
export const MAX_COUNTS_BUCKETS = 1440;

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
