import { OrchestratorEventsClient } from '@orchestrator/events-client';
import { CountsRate, HistoryWindowData, loadHistoryWindow } from './history.window';
import { DashboardState, WINDOW_MS } from './url.state';

/** The chart of a window of days while its counts are being read. */
export const NO_COUNTS = new CountsRate({ bucket: 60, buckets: [] });
/** A window of days is read again from the server this often, in ms (it ends now). */
const HISTORY_REFRESH_MS = 60_000;

/** What a window of days is read for: the window (not `auto`), the filters, the chart's width. */
export type HistoryWindowRequest = Pick<DashboardState, 'window' | 'filter' | 'status'> & {
  widthPx: number;
};

/**
 * Keeps the window of days the page shows: one read at a time (a new window or filter cancels the
 * one under way), read again once a minute old, and a failure shown once and retried a minute
 * later rather than at every frame. A window read for the first time is shown as soon as its
 * counts and newest runs are in, then grows page by page; one read again replaces the one shown
 * once it is whole (the runs never drop to a page's worth for a moment).
 */
export class HistoryWindowLoader {
  private shown?: HistoryWindowData & { key: string; loadedAt: number };
  private loading?: { key: string; abort: AbortController };

  constructor(
    private readonly client: () => OrchestratorEventsClient,
    private readonly notice: (text: string) => void,
    /** Called when what is shown changed (the page redraws now rather than at its next turn). */
    private readonly changed: () => void = () => undefined,
  ) {}

  /** The window read for `request`, or `undefined` while it is being read (a read is started). */
  get(request: HistoryWindowRequest, now: number): HistoryWindowData | undefined {
    const key = JSON.stringify([request.window, request.filter, request.status ?? '']);
    const fresh = this.shown?.key === key && now - this.shown.loadedAt < HISTORY_REFRESH_MS;
    if (!fresh && this.loading?.key !== key) this.read(key, request, now);
    return this.shown?.key === key ? this.shown : undefined;
  }

  /** The window last read, whatever it was for (for the page's snapshot). */
  last(): HistoryWindowData | undefined {
    return this.shown;
  }

  /** Forgets what was read (a new token: what was refused is read again). */
  forget(): void {
    this.shown = undefined;
  }

  /** Stops a read under way: its window is not shown any more. */
  cancel(): void {
    this.loading?.abort.abort();
    this.loading = undefined;
  }

  private read(key: string, request: HistoryWindowRequest, now: number): void {
    this.cancel();
    const abort = new AbortController();
    this.loading = { key, abort };
    const { filter, status, widthPx } = request;
    const spanMs = WINDOW_MS[request.window as Exclude<DashboardState['window'], 'auto'>];
    loadHistoryWindow(this.client(), {
      filter,
      status,
      spanMs,
      widthPx,
      nowMs: now,
      signal: abort.signal,
      onProgress: (data) => {
        if (this.loading?.key !== key || (this.shown?.key === key && this.shown.complete)) return;
        const first = this.shown?.key !== key;
        this.shown = { ...data, key, loadedAt: Date.now() };
        // The first paint at once; the pages after it at the parts' own pace (each redraw of
        // thousands of runs would delay the next page).
        if (first) this.changed();
      },
    }).then(
      (data) => {
        if (this.loading?.key !== key) return;
        this.loading = undefined;
        this.shown = { ...data, key, loadedAt: Date.now() };
        this.changed();
        if (data.partial) {
          this.notice('The history store could not answer: this window shows what the files hold.');
        }
      },
      (error: Error) => {
        if (this.loading?.key !== key) return;
        this.loading = undefined;
        this.shown = {
          key,
          loadedAt: Date.now(),
          range: { fromMs: now - spanMs, toMs: now },
          runs: [],
          capped: false,
          rate: NO_COUNTS,
          bucketS: 60,
          partial: true,
          complete: true,
        };
        this.changed();
        this.notice(`Could not read this window's history: ${error.message}`);
      },
    );
  }
}
