import { OrchestratorEvent } from '@orchestrator/events-contract';
import { byId, copyButton, el, formatCount, handleCopyButtons } from './dom.util';
import { formatDateTime, formatDuration } from './event.format';
import { EventWindow } from './event.window';
import { EVENT_ROW_HEIGHT, renderEventRow } from './event-row.view';
import { EventsSource, Feed, FeedState } from './feed.controller';
import { RunSummaryStore } from './run-summary.store';
import { progressText, runDurationMs } from './timeline.layout';
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
  private readonly list: VirtualList<OrchestratorEvent>;
  private readonly events = new EventWindow<OrchestratorEvent>(RUN_VIEW_LIMIT);
  private readonly summary = new RunSummaryStore(1);
  private feed?: Feed;
  private shownVersion = -1;
  runId: string | undefined;

  constructor(
    private readonly source: () => EventsSource,
    traceUrl: string | undefined,
    onClose: () => void,
    private readonly onState: (state: FeedState) => void,
  ) {
    const viewport = byId('run-events');
    const events = this.events;
    this.list = new VirtualList<OrchestratorEvent>(viewport, {
      rowHeight: EVENT_ROW_HEIGHT,
      rowClass: 'ev-row',
      key: (event) => event.event_id,
      render: (event, row, state) => renderEventRow(event, row, state, traceUrl),
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
  }

  render(nowMs: number): void {
    if (this.runId === undefined) return;
    const version = this.events.version + this.summary.version;
    const run = this.summary.get(this.runId);
    if (version === this.shownVersion && run?.status !== 'running') return;
    this.shownVersion = version;
    this.list.render();
    const capped = this.events.received > this.events.size;
    this.count.textContent =
      `${formatCount(this.events.size)} events` +
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
