import { OrchestratorEvent } from '@orchestrator/events-contract';
import { byId, copyButton, el, formatCount, handleCopyButtons } from './dom.util';
import { eventTimeMs, formatDateTime, formatDuration, spansDays } from './event.format';
import { EventWindow } from './event.window';
import { EVENT_ROW_HEIGHT, renderEventRow } from './event-row.view';
import { EventsSource, Feed, FeedState } from './feed.controller';
import { RunSummaryStore } from './run-summary.store';
import { ALERT_EVENTS, errorText, failingEvent, MAX_SEGMENTS, stepSegments } from './run-steps';
import { plural, progressText, runDurationMs } from './timeline.layout';
import { VirtualList } from './virtual-list.view';

/** Events of one run loaded at most (the newest ones); the list says when some are left out. */
export const RUN_VIEW_LIMIT = 10_000;

/**
 * One run: its summary, and every event of it from the server (not only those the page kept),
 * oldest first, live while it is open. Rows expand to their JSON extras, ids copy with a click,
 * events with a `trace_id` link to the trace when a trace URL is configured.
 */
export class RunView {
  private readonly panel = byId('run-view');
  private readonly title = byId('run-title');
  private readonly meta = byId('run-meta');
  private readonly count = byId('run-count');
  private readonly message = byId('run-message');
  private readonly errorBox = byId('run-error-box');
  private readonly error = byId('run-error');
  private readonly alertsBox = byId('run-alerts-box');
  private readonly alerts = byId('run-alerts');
  private readonly alertsCount = byId('run-alerts-count');
  private readonly waterfall = byId('run-waterfall');
  private readonly stepsNote = byId('run-steps-note');
  private readonly apiLink = byId<HTMLAnchorElement>('run-api');
  private readonly list: VirtualList<OrchestratorEvent>;
  private readonly events = new EventWindow<OrchestratorEvent>(RUN_VIEW_LIMIT);
  private readonly summary = new RunSummaryStore(1);
  private feed?: Feed;
  private shownVersion = -1;
  /** The run's events span more than one day (UTC): times carry their date. */
  private dated = false;
  runId: string | undefined;

  constructor(
    private readonly source: () => EventsSource,
    traceUrl: string | undefined,
    /** The events endpoint's URL: the run's events are linked there (`?run_id=`). */
    private readonly eventsUrl: string,
    onClose: () => void,
    private readonly onState: (state: FeedState) => void,
  ) {
    const viewport = byId('run-events');
    const events = this.events;
    this.list = new VirtualList<OrchestratorEvent>(viewport, {
      rowHeight: EVENT_ROW_HEIGHT,
      rowClass: 'ev-row',
      key: (event) => event.event_id,
      render: (event, row, state) => renderEventRow(event, row, state, traceUrl, this.dated),
    });
    this.list.setItems({
      get size() {
        return events.size;
      },
      at: (i) => events.at(events.size - 1 - i),
    });
    handleCopyButtons(this.panel);
    viewport.addEventListener('click', (ev) => {
      const target = ev.target as HTMLElement;
      if (target.closest('.ev-detail')) return;
      const row = target.closest<HTMLElement>('.ev-row');
      if (row?.dataset['eventId']) this.list.toggle(row.dataset['eventId']);
    });
    byId('run-close').addEventListener('click', onClose);
    document.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && this.runId !== undefined) onClose();
    });
  }

  open(runId: string): void {
    if (runId === this.runId) return;
    this.close();
    this.runId = runId;
    this.panel.hidden = false;
    this.panel.dataset['runId'] = runId;
    this.message.hidden = true;
    this.title.replaceChildren('Run ', el('code', { text: runId }), copyButton(runId));
    const api = new URL(this.eventsUrl);
    api.searchParams.set('run_id', runId);
    api.searchParams.set('limit', '1000');
    this.apiLink.href = api.toString();
    this.feed = new Feed(this.source(), {
      filter: { run_id: runId },
      history: RUN_VIEW_LIMIT,
      onEvent: (event) => {
        this.events.push(event);
        this.summary.add(event);
      },
      onState: (state) => this.feedState(state),
    });
    this.feed.start();
  }

  close(): void {
    this.feed?.stop();
    this.feed = undefined;
    this.runId = undefined;
    this.panel.hidden = true;
    delete this.panel.dataset['runId'];
    this.events.clear();
    this.summary.clear();
    this.shownVersion = -1;
    this.errorBox.hidden = true;
    this.alertsBox.hidden = true;
    this.waterfall.replaceChildren();
    this.stepsNote.textContent = '';
  }

  render(nowMs: number): void {
    if (this.runId === undefined) return;
    const version = this.events.version + this.summary.version;
    const run = this.summary.get(this.runId);
    if (version === this.shownVersion && run?.status !== 'running') return;
    this.shownVersion = version;
    const dated = spansDays(this.events);
    if (dated !== this.dated) {
      this.dated = dated;
      this.panel.classList.toggle('dated', dated);
    }
    this.list.render();
    const capped = this.events.received > this.events.size;
    this.count.textContent =
      plural(this.events.size, 'event') +
      (capped
        ? ` (the newest ${formatCount(RUN_VIEW_LIMIT)} of ${formatCount(this.events.received)})`
        : '');
    this.count.dataset['count'] = String(this.events.size);
    if (run === undefined) {
      this.meta.replaceChildren(el('span', { class: 'muted', text: 'No event of this run yet.' }));
      return;
    }
    this.panel.dataset['status'] = run.status;
    const items: [string, Node | string][] = [
      [
        'status',
        el('span', { class: `pill st-${run.status}`, text: run.statusText ?? run.status }),
      ],
      [
        'task',
        run.taskId ? el('span', {}, el('code', { text: run.taskId }), copyButton(run.taskId)) : '-',
      ],
      ['started', formatDateTime(run.startMs)],
      [run.endMs !== undefined ? 'ended' : 'last event', formatDateTime(run.endMs ?? run.lastMs)],
      [
        'duration',
        `${formatDuration(runDurationMs(run, nowMs))}${run.status === 'running' ? ' so far' : ''}`,
      ],
    ];
    const progress = progressText(run);
    if (progress) items.push(['steps', progress]);
    if (run.reason) items.push(['reason', el('span', { class: 'reason', text: run.reason })]);
    this.meta.replaceChildren(
      ...items.flatMap(([name, value]) => [el('dt', { text: name }), el('dd', {}, value)]),
    );
    const events = this.events.toArray();
    this.renderError(events);
    this.renderAlerts(events);
    this.renderWaterfall(events, nowMs);
  }

  /** The failing event's error, its stack trace with its newlines, in a scrollable box. */
  private renderError(events: OrchestratorEvent[]): void {
    const failing = failingEvent(events);
    const text = failing === undefined ? undefined : errorText(failing);
    this.errorBox.hidden = text === undefined;
    if (text !== undefined && this.error.textContent !== text) this.error.textContent = text;
  }

  /** Alerts sent (or that failed to send) for this run: `alert_sent` / `alert_failed` events. */
  private renderAlerts(events: OrchestratorEvent[]): void {
    const alerts = events.filter((event) => ALERT_EVENTS.has(event.event));
    this.alertsBox.hidden = alerts.length === 0;
    if (alerts.length === 0) return;
    this.alertsCount.textContent = plural(alerts.length, 'alert');
    this.alerts.replaceChildren(
      ...alerts.map((event) => {
        const rule = typeof event['alert'] === 'string' ? (event['alert'] as string) : '(rule?)';
        const sent = event.event === 'alert_sent';
        const error = event['error'];
        const why =
          !sent && error !== undefined
            ? typeof error === 'string'
              ? error
              : JSON.stringify(error)
            : '';
        return el(
          'li',
          { 'data-event': event.event, 'data-alert': rule, class: sent ? 'sent' : 'failed' },
          el('span', { class: 'f-time', text: formatDateTime(eventTimeMs(event)) }),
          el('span', { class: 'alert-rule', text: rule }),
          el('span', { class: 'muted', text: sent ? 'sent' : `not sent ${why}`.trim() }),
        );
      }),
    );
  }

  /** Per-step durations as a small waterfall: each step a bar where it lay in the run's span. */
  private renderWaterfall(events: OrchestratorEvent[], nowMs: number): void {
    const segments = stepSegments(events);
    if (segments.length === 0) {
      this.stepsNote.textContent = '';
      this.waterfall.replaceChildren(
        el('p', { class: 'empty', text: 'No step events in this run.' }),
      );
      return;
    }
    const fromMs = segments[0].startMs;
    const run = this.runId === undefined ? undefined : this.summary.get(this.runId);
    const lastMs = segments[segments.length - 1].endMs;
    const toMs = Math.max(lastMs, run?.status === 'running' ? nowMs : lastMs);
    const span = Math.max(1, toMs - fromMs);
    const shown = segments.slice(0, MAX_SEGMENTS);
    this.stepsNote.textContent =
      segments.length > shown.length
        ? `the first ${shown.length} of ${segments.length} segments`
        : plural(segments.length, 'segment');
    let longest = 0;
    for (const s of shown) longest = Math.max(longest, s.endMs - s.startMs);
    this.waterfall.replaceChildren(
      ...shown.map((segment) => {
        const ms = segment.endMs - segment.startMs;
        const kind = segment.ended ? ` st-${segment.ended}` : ms === longest ? ' longest' : '';
        const bar = el('span', { class: `wf-bar${kind}` });
        bar.style.left = `${(((segment.startMs - fromMs) / span) * 100).toFixed(2)}%`;
        bar.style.width = `${((ms / span) * 100).toFixed(2)}%`;
        return el(
          'div',
          { class: 'wf-row', 'data-label': segment.label, 'data-ms': String(ms) },
          el('span', { class: 'wf-label', text: segment.label }),
          el('span', { class: 'wf-track' }, bar),
          el('span', { class: 'wf-ms', text: formatDuration(ms) }),
        );
      }),
    );
  }

  private feedState(state: FeedState): void {
    if (state.kind === 'bad-request' || state.kind === 'failed') {
      this.message.hidden = false;
      this.message.textContent =
        state.kind === 'bad-request'
          ? `The server refused this run id: ${state.messages.join('; ')}`
          : `Could not load the run: ${state.message}`;
    }
    this.onState(state);
  }
}
