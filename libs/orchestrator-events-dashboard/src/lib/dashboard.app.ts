import { OrchestratorEventsClient } from '@orchestrator/events-client';
import { OrchestratorEvent } from '@orchestrator/events-contract';
import { combinedState, ConnectionView } from './connection.view';
import { apiLocation, DashboardConfig } from './dashboard.config';
import { byId, formatCount, setText } from './dom.util';
import { eventTimeMs } from './event.format';
import { EventListView } from './event-list.view';
import { DEFAULT_EVENT_WINDOW, EventWindow } from './event.window';
import { FailuresView } from './failures.view';
import { Feed, FeedState } from './feed.controller';
import { FiltersView } from './filters.view';
import { FrameScheduler } from './frame.scheduler';
import { HISTORY_MAX_PAGES, HISTORY_RUNS_PAGE, CountsRate } from './history.window';
import { DashboardSnapshot, historySnapshot, runSnapshot } from './dashboard.snapshot';
import { HistoryWindowLoader, NO_COUNTS } from './history-window.loader';
import { RateBuckets } from './rate.buckets';
import { RateChartView } from './rate-chart.view';
import { RunSummary, RunSummaryStore } from './run-summary.store';
import { inRange, timeRange, TimeRange } from './timeline.layout';
import { RunView } from './run.view';
import { TimelineView } from './timeline.view';
import { TokenStore } from './token.store';
import {
  DashboardState,
  describeFilter,
  formatUrlState,
  isHistoryWindow,
  narrowsRuns,
  parseUrlState,
  runsFilter,
  sameFilter,
  toEventFilter,
} from './url.state';

/**
 * How often each part redraws, in ms: lists feel live. The chart follows the timeline's pace:
 * they share one time axis, and a chart a second behind would stand a few px off while it slides.
 */
const REDRAW_MS = { events: 250, timeline: 250, runView: 250, failures: 500, rate: 250 };

/**
 * The page: one feed for the filter (event list, rate chart, runs), and when the filter keeps
 * only part of each run (a level or event name), a second feed of whole runs for the summaries,
 * so that 3 of 3 steps never read 0 of 3. Everything it shows follows the URL.
 */
export class DashboardApp {
  private state: DashboardState;
  private client: OrchestratorEventsClient;
  private readonly events = new EventWindow<OrchestratorEvent>(DEFAULT_EVENT_WINDOW);
  private readonly rate = new RateBuckets();
  private readonly runs = new RunSummaryStore();
  private feeds: Feed[] = [];
  private feedStates = new Map<Feed, FeedState>();
  private runViewState: FeedState = { kind: 'stopped' };
  private narrowed = false;
  private paused = false;
  private orchId = '';
  private readonly connection: ConnectionView;
  private readonly filters: FiltersView;
  private readonly timeline: TimelineView;
  private readonly failures: FailuresView;
  private readonly rateChart: RateChartView;
  private readonly eventList: EventListView;
  private readonly runView: RunView;
  private readonly pauseButton = byId<HTMLButtonElement>('pause');
  private readonly zoomOut = byId<HTMLButtonElement>('zoom-out');
  /** Runs the filters select, in the span drawn: computed by the timeline, shared by the rest. */
  private shownRuns: RunSummary[] = [];
  private range: TimeRange = { fromMs: Date.now() - 60_000, toMs: Date.now() };
  private frames?: FrameScheduler;
  /** The window of days shown (6 h, 24 h, 7 d), read from the server's runs and counts. */
  private readonly history: HistoryWindowLoader;
  /** The chart's counts in a window of days (none while they are being read). */
  private historyRate: CountsRate = NO_COUNTS;

  constructor(
    private readonly config: DashboardConfig,
    private readonly tokens: TokenStore,
  ) {
    this.state = this.allowed(parseUrlState(location.search));
    this.client = this.makeClient();
    this.history = new HistoryWindowLoader(
      () => this.client,
      (text) => this.connection.setNotice('history', text),
      // What a window of days shows changed: drawn at the next frame, not at the parts' next turn.
      () => this.frames?.hurry('timeline', 'rate', 'failures'),
    );
    const openRun = (runId: string) => this.navigate({ ...this.state, run: runId });
    this.connection = new ConnectionView((token) => {
      this.tokens.set(token);
      this.client = this.makeClient();
      // A window of days refused for want of the token is read again, now.
      this.history.forget();
      this.startFeeds();
      const run = this.runView.runId;
      this.runView.close();
      if (run !== undefined) this.runView.open(run);
    });
    this.filters = new FiltersView(
      (filter, window, status) =>
        this.navigate({
          ...this.state,
          filter,
          window,
          status,
          // A new window replaces a zoom; a new filter keeps it.
          zoom: window === this.state.window ? this.state.zoom : undefined,
        }),
      config.history !== undefined,
    );
    this.timeline = new TimelineView(this.runs, openRun, (zoom) =>
      this.navigate({ ...this.state, zoom }),
    );
    this.failures = new FailuresView(openRun);
    this.rateChart = new RateChartView(this.rate);
    this.eventList = new EventListView(this.events, config.traceUrl, openRun);
    this.zoomOut.addEventListener('click', () => this.navigate({ ...this.state, zoom: undefined }));
    const { baseUrl, eventsPath } = apiLocation(config, location.href);
    this.runView = new RunView(
      () => this.client,
      config.traceUrl,
      `${baseUrl}${eventsPath}`,
      () => this.navigate({ ...this.state, run: undefined }),
      (state) => {
        this.runViewState = state;
        this.showState();
      },
    );
    this.pauseButton.addEventListener('click', () => this.togglePause());
    window.addEventListener('popstate', () =>
      this.apply(this.allowed(parseUrlState(location.search))),
    );
  }

  /** A window of days from a link, on a server without a history store: the default window. */
  private allowed(state: DashboardState): DashboardState {
    return this.config.history === undefined && isHistoryWindow(state.window)
      ? { ...state, window: 'auto', zoom: undefined }
      : state;
  }

  start(): void {
    this.filters.show(this.state);
    this.zoomOut.hidden = this.state.zoom === undefined;
    // A window of days is asked for first: the live feed's first pages would queue before it.
    if (isHistoryWindow(this.state.window)) this.historyData(Date.now());
    this.startFeeds();
    if (this.state.run) this.runView.open(this.state.run);
    this.startDrawing();
    (window as unknown as { __orchDashboard: { snapshot(): DashboardSnapshot } }).__orchDashboard =
      { snapshot: () => this.snapshot() };
  }

  /** A new state from the user: into the URL (a new history entry), then onto the page. */
  private navigate(next: DashboardState): void {
    history.pushState(null, '', `${location.pathname}${formatUrlState(next)}`);
    this.apply(next);
  }

  private apply(next: DashboardState): void {
    const refeed = !sameFilter(next.filter, this.state.filter);
    this.state = next;
    this.filters.show(next);
    this.zoomOut.hidden = next.zoom === undefined;
    if (refeed) this.startFeeds();
    // A window of days is asked for now, not at the timeline's next turn.
    if (isHistoryWindow(next.window)) this.historyData(Date.now());
    if (next.run) this.runView.open(next.run);
    else this.runView.close();
  }

  private makeClient(): OrchestratorEventsClient {
    const { baseUrl, eventsPath } = apiLocation(this.config, location.href);
    return new OrchestratorEventsClient({ baseUrl, eventsPath, token: this.tokens.get() });
  }

  private startFeeds(): void {
    for (const feed of this.feeds) feed.stop();
    this.feeds = [];
    this.feedStates.clear();
    this.events.clear();
    this.rate.clear();
    this.runs.clear();
    this.connection.clearNotice();
    this.paused = false;
    const filter = this.state.filter;
    this.narrowed = narrowsRuns(filter);
    const described = describeFilter(filter);
    this.eventList.setLabel(described ? ` matching ${described}` : '');
    const main = this.feed(toEventFilter(filter), (event) => {
      this.events.push(event);
      this.rate.add(eventTimeMs(event), event.level);
      if (event.orch_id) this.orchId = event.orch_id;
      if (!this.narrowed) this.runs.add(event);
      else if (event.run_id) this.runs.markMatched(event.run_id);
    });
    this.feeds.push(main);
    if (this.narrowed) {
      this.feeds.push(
        this.feed(toEventFilter(runsFilter(filter)), (event) => this.runs.add(event)),
      );
    }
    for (const feed of this.feeds) feed.start();
  }

  private feed(filter: ReturnType<typeof toEventFilter>, onEvent: (e: OrchestratorEvent) => void) {
    const feed: Feed = new Feed(this.client, {
      filter,
      history: DEFAULT_EVENT_WINDOW,
      onEvent,
      onState: (state) => {
        this.feedStates.set(feed, state);
        this.showState();
      },
      onReset: (reset) =>
        this.connection.setNotice(
          'reset',
          `Some events were lost while disconnected: the server no longer had those after ` +
            `${reset.last_event_id ?? 'the last one shown'}; the feed goes on from ${reset.oldest_event_id}.`,
        ),
    });
    return feed;
  }

  private togglePause(): void {
    this.paused = !this.paused;
    for (const feed of this.feeds) {
      if (this.paused) feed.pause();
      else feed.resume();
    }
    this.showState();
  }

  private showState(): void {
    const states = [...this.feedStates.values()];
    if (this.runView.runId !== undefined) states.push(this.runViewState);
    const state = combinedState(states);
    this.connection.show(state, this.tokens.get() !== undefined);
    this.pauseButton.textContent = this.paused ? 'Resume' : 'Pause';
    this.pauseButton.setAttribute('aria-pressed', String(this.paused));
    this.pauseButton.disabled =
      !this.paused && state.kind !== 'live' && state.kind !== 'reconnecting';
  }

  /** The timeline of the window shown: the page's own runs, or a window of days' from the server. */
  private drawTimeline(): void {
    const { level, event } = this.state.filter;
    const status = this.state.status;
    const parts: string[] = [];
    if (status) parts.push(`status ${status}`);
    if (this.narrowed) {
      parts.push(
        `runs with an event matching ${describeFilter({ level, event })}; ` +
          'steps and durations count all their events',
      );
    }
    const now = Date.now();
    if (isHistoryWindow(this.state.window)) {
      // A window of days: the server's runs and counts, not the page's own events.
      const data = this.historyData(now);
      this.historyRate = data?.rate ?? NO_COUNTS;
      this.range = this.state.zoom ?? data?.range ?? timeRange(this.state.window, [], now);
      this.shownRuns = (data?.runs ?? []).filter((run) => inRange(run, this.range, now));
      parts.length = 0;
      if (status) parts.push(`status ${status}`);
      if (data === undefined) parts.push('reading the history…');
      else {
        parts.push('runs started in the window, from the history store');
        if (data.capped) {
          parts.push(
            `the newest ${formatCount(HISTORY_MAX_PAGES * HISTORY_RUNS_PAGE)} only: older ones not read`,
          );
        }
        if (this.narrowed) parts.push('runs are not narrowed by level or event here');
      }
    } else {
      // Left a window of days: what was being read for it is not needed any more.
      this.history.cancel();
      const all = this.runs.list(this.narrowed);
      // The window fits the runs the filters select; the status filter narrows what is drawn.
      this.range = timeRange(this.state.window, all, now, this.state.zoom);
      this.shownRuns = (status ? all.filter((run) => run.status === status) : all).filter((run) =>
        inRange(run, this.range, now),
      );
    }
    const label = parts.length ? ` · ${parts.join(' · ')}` : '';
    this.timeline.render(now, this.range, this.shownRuns, label);
    setText(byId('orch'), this.orchId);
  }

  /** The window of days shown, or `undefined` while it is read (a read is started). */
  private historyData(now: number) {
    return this.history.get({ ...this.state, widthPx: byId('rate-chart').clientWidth }, now);
  }

  private startDrawing(): void {
    this.frames = new FrameScheduler([
      { name: 'events', everyMs: REDRAW_MS.events, run: () => this.eventList.render() },
      {
        name: 'timeline',
        everyMs: REDRAW_MS.timeline,
        run: () => this.drawTimeline(),
      },
      { name: 'runView', everyMs: REDRAW_MS.runView, run: () => this.runView.render(Date.now()) },
      {
        name: 'failures',
        everyMs: REDRAW_MS.failures,
        run: () => this.failures.render(this.shownRuns, this.range),
      },
      {
        name: 'rate',
        everyMs: REDRAW_MS.rate,
        run: () =>
          this.rateChart.render(
            this.range,
            isHistoryWindow(this.state.window) ? this.historyRate : undefined,
          ),
      },
    ]);
    this.frames.start();
  }

  private snapshot(): DashboardSnapshot {
    const shown = this.history.last();
    return {
      received: this.events.received,
      kept: this.events.size,
      eventIds: this.events.toArray().map((e) => e.event_id),
      levelTotals: { ...this.rate.totals },
      runs: this.runs.list(false).map(runSnapshot),
      state: byId('conn').dataset['state'] ?? '',
      longestRenderMs: { ...this.frames?.longestMs },
      ...(shown && isHistoryWindow(this.state.window) ? { history: historySnapshot(shown) } : {}),
    };
  }
}
