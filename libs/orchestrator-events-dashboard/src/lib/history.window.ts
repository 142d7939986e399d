import { OrchestratorEventsClient } from '@orchestrator/events-client';
import {
  CountsPage,
  EVENT_LEVELS,
  EventLevel,
  RunRecord,
  RunStatus,
} from '@orchestrator/events-contract';
import { RateSeries } from './rate.buckets';
import { RunSummary } from './run-summary.store';
import { TimeRange } from './timeline.layout';
import { FilterText, toEventFilter } from './url.state';

/** Runs asked per page of the runs endpoint (its maximum). */
export const HISTORY_RUNS_PAGE = 1000;
/**
 * Pages of runs read at most for one window: 20,000 runs (about 9 MB of page memory). Beyond,
 * the page shows the newest ones and says so.
 */
export const HISTORY_MAX_PAGES = 20;
/**
 * Bucket widths the chart chooses from, in seconds: each divides 6 h, 24 h and 7 d, so a window
 * aligned to its bucket is the exact window the server counts (it never widens it).
 */
export const COUNTS_BUCKETS_S = [60, 120, 300, 600, 900, 1800, 3600, 7200, 21_600, 86_400];

/** What the chart reads: `RateBuckets` (live) and `CountsRate` (the server's counts). */
export interface RateSource {
  series(fromMs: number, toMs: number): RateSeries;
  totalsBetween(
    fromMs: number,
    toMs: number,
  ): { counts: Record<EventLevel, number>; sinceMs: number; untilMs: number; complete: boolean };
}

/** The narrowest bucket that keeps the chart at about one point per 2 px of its width. */
export function countsBucketS(spanMs: number, widthPx: number): number {
  const points = Math.max(100, Math.floor(widthPx / 2));
  const wanted = spanMs / 1000 / points;
  return COUNTS_BUCKETS_S.find((b) => b >= wanted) ?? COUNTS_BUCKETS_S[COUNTS_BUCKETS_S.length - 1];
}

/**
 * The window of `spanMs` ending at the end of the bucket holding `nowMs`: aligned to the bucket,
 * so the chart's totals are the server's count of that window to the event.
 */
export function alignedRange(spanMs: number, bucketS: number, nowMs: number): TimeRange {
  const bucketMs = bucketS * 1000;
  const toMs = Math.ceil(nowMs / bucketMs) * bucketMs;
  return { fromMs: toMs - spanMs, toMs };
}

/** A run record of the server as the timeline and the failures panel draw it. */
export function runSummaryOf(record: RunRecord): RunSummary {
  const startMs = Date.parse(record.started_at);
  const endMs = record.ended_at !== undefined ? Date.parse(record.ended_at) : undefined;
  return {
    runId: record.run_id,
    taskId: record.task_id,
    startMs,
    endMs,
    lastMs: endMs ?? startMs,
    status: record.status,
    statusText: undefined,
    step: record.steps_done,
    steps: record.steps_total,
    marks: [],
    reason: record.failure,
    durationMs: record.duration_ms,
    events: record.events,
    lastEventId: record.last_event_id,
    matched: true,
    record,
  };
}

/**
 * Events per second from a counts page: the chart's series and the totals of a span, at the
 * page's bucket (a span is counted from the buckets that start in it).
 */
export class CountsRate implements RateSource {
  private readonly bucketMs: number;
  private readonly byStart = new Map<number, Partial<Record<EventLevel, number>>>();

  constructor(page: CountsPage) {
    this.bucketMs = page.bucket * 1000;
    for (const bucket of page.buckets) this.byStart.set(Date.parse(bucket.start), bucket.counts);
  }

  series(fromMs: number, toMs: number): RateSeries {
    const x: number[] = [];
    const perLevel = { DEBUG: [], INFO: [], WARNING: [], ERROR: [] } as Record<
      EventLevel,
      number[]
    >;
    for (let t = Math.floor(fromMs / this.bucketMs) * this.bucketMs; t < toMs; t += this.bucketMs) {
      x.push(t / 1000);
      const counts = this.byStart.get(t);
      for (const level of EVENT_LEVELS)
        perLevel[level].push((counts?.[level] ?? 0) / (this.bucketMs / 1000));
    }
    return { x, bucketS: this.bucketMs / 1000, perLevel };
  }

  totalsBetween(fromMs: number, toMs: number) {
    const sinceMs = Math.ceil(fromMs / this.bucketMs) * this.bucketMs;
    const untilMs = Math.max(sinceMs, Math.floor(toMs / this.bucketMs) * this.bucketMs);
    const counts = { DEBUG: 0, INFO: 0, WARNING: 0, ERROR: 0 } as Record<EventLevel, number>;
    for (const [start, bucket] of this.byStart) {
      if (start < sinceMs || start >= untilMs) continue;
      for (const level of EVENT_LEVELS) counts[level] += bucket[level] ?? 0;
    }
    return { counts, sinceMs, untilMs, complete: true };
  }
}

/** One window of days as the server answered it. */
export interface HistoryWindowData {
  range: TimeRange;
  runs: RunSummary[];
  /** More runs started in the window than the page read (`HISTORY_MAX_PAGES`). */
  capped: boolean;
  rate: CountsRate;
  bucketS: number;
  /** A source that should have answered could not: the files answered alone. */
  partial: boolean;
  /** Every page of runs is read (false while older pages are being read). */
  complete: boolean;
}

/** A window of days to read: the page's filters, its span ending now, the chart's width. */
export interface HistoryWindowRequest {
  filter: FilterText;
  status: RunStatus | undefined;
  spanMs: number;
  widthPx: number;
  nowMs: number;
  signal?: AbortSignal;
  /**
   * Called with what is read so far: once the counts and the first (newest) page of runs are in,
   * then after each further page, so the page draws before the older runs arrive.
   */
  onProgress?: (data: HistoryWindowData) => void;
}

/**
 * Reads a window of days from the server: its runs (started in it, newest first, paged with
 * `before`, at most `HISTORY_MAX_PAGES` pages) and its counts at a bucket for `widthPx`, asked
 * at the same time. Runs are selected by task and status (the runs endpoint's filters; a run id
 * filter is applied here); the counts by the whole filter.
 */
export async function loadHistoryWindow(
  client: OrchestratorEventsClient,
  request: HistoryWindowRequest,
): Promise<HistoryWindowData> {
  const bucketS = countsBucketS(request.spanMs, request.widthPx);
  const range = alignedRange(request.spanMs, bucketS, request.nowMs);
  const since = new Date(range.fromMs).toISOString();
  const until = new Date(range.toMs).toISOString();
  const options = request.signal ? { signal: request.signal } : {};
  const countsPage = client.counts(
    { ...toEventFilter(request.filter), since, until, bucket: bucketS },
    options,
  );
  // Awaited after the first runs page: a refusal of the runs must not leave this one unhandled.
  countsPage.catch(() => undefined);
  const runId = request.filter.run_id;
  const runs: RunSummary[] = [];
  let counts: CountsPage | undefined;
  let partial = false;
  let capped = false;
  let before: string | undefined;
  const data = (complete: boolean): HistoryWindowData => ({
    range,
    // A copy: what was handed out before does not grow under its reader.
    runs: runs.slice(),
    capped,
    rate: new CountsRate(counts as CountsPage),
    bucketS: (counts as CountsPage).bucket,
    partial: partial || counts?.partial === true,
    complete,
  });
  for (let page = 0; ; page++) {
    if (page === HISTORY_MAX_PAGES) {
      capped = true;
      break;
    }
    const answer = await client.runs(
      {
        ...(request.filter.task_id ? { task_id: request.filter.task_id } : {}),
        ...(request.status ? { status: request.status } : {}),
        since,
        until,
        limit: HISTORY_RUNS_PAGE,
        ...(before !== undefined ? { before } : {}),
      },
      options,
    );
    for (const record of answer.runs) {
      if (runId === undefined || record.run_id === runId) runs.push(runSummaryOf(record));
    }
    partial ||= answer.partial === true;
    counts ??= await countsPage;
    if (!answer.has_more || answer.runs.length === 0) break;
    before = answer.runs[answer.runs.length - 1].run_id;
    request.onProgress?.(data(false));
  }
  counts ??= await countsPage;
  return data(true);
}
