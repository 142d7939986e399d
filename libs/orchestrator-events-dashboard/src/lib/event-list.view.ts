import { OrchestratorEvent } from '@orchestrator/events-contract';
import { plural } from './timeline.layout';
import { byId, formatCount, handleCopyButtons } from './dom.util';
import { spansDays } from './event.format';
import { EventWindow } from './event.window';
import { EVENT_ROW_HEIGHT, renderEventRow } from './event-row.view';
import { VirtualList } from './virtual-list.view';

/**
 * The live event list, newest on top, over the page's window of recent events. Following the
 * newest is the default; scrolled down, the rows in view stay put while events arrive, and a
 * "jump to newest" button says how many came meanwhile.
 */
export class EventListView {
  private readonly list: VirtualList<OrchestratorEvent>;
  private readonly count = byId('event-count');
  private readonly jump = byId<HTMLButtonElement>('jump-newest');
  private seenVersion = -1;
  private seenReceived = 0;
  private newerAway = 0;
  private label = '';
  /** The events kept span more than one day (UTC): times carry their date. */
  private dated = false;

  constructor(
    private readonly events: EventWindow<OrchestratorEvent>,
    traceUrl: string | undefined,
    onOpenRun: (runId: string) => void,
  ) {
    const viewport = byId('events');
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
      at: (i) => events.at(i),
    });
    handleCopyButtons(viewport);
    viewport.addEventListener('click', (ev) => {
      const target = ev.target as HTMLElement;
      const run = target.closest<HTMLElement>('.run-link');
      if (run?.dataset['runId']) return onOpenRun(run.dataset['runId']);
      if (target.closest('.ev-detail')) return;
      const row = target.closest<HTMLElement>('.ev-row');
      if (row?.dataset['eventId']) this.list.toggle(row.dataset['eventId']);
    });
    viewport.addEventListener('scroll', () => {
      if (!this.away()) this.newerAway = 0;
      this.updateJump();
    });
    this.jump.addEventListener('click', () => {
      this.list.scrollTo(0);
      this.newerAway = 0;
      this.updateJump();
    });
  }

  /** What the count says about the filter (`matching level ≥ WARNING`). */
  setLabel(label: string): void {
    this.label = label;
    this.seenVersion = -1;
  }

  render(): void {
    if (this.events.version === this.seenVersion) return;
    this.seenVersion = this.events.version;
    const received = this.events.received;
    const added = Math.min(Math.max(0, received - this.seenReceived), this.events.size);
    this.seenReceived = received;
    if (added > 0 && this.away()) {
      // Keep the rows in view where they are: everything moved down by the new rows.
      this.list.scrollTo(this.list.scrollTop + added * EVENT_ROW_HEIGHT);
      this.newerAway += added;
    }
    const dated = spansDays(this.events);
    if (dated !== this.dated) {
      this.dated = dated;
      this.list.viewport.parentElement?.classList.toggle('dated', dated);
    }
    this.list.render();
    const kept =
      this.events.size < received
        ? ` · newest ${formatCount(this.events.size)} kept (older: open a run, or narrow the filter)`
        : '';
    // Not scoped to the window: the list holds what was received, whatever its time.
    const text = `${plural(received, 'event')} received${this.label}${kept}`;
    if (this.count.textContent !== text) this.count.textContent = text;
    this.count.dataset['received'] = String(received);
    this.count.dataset['kept'] = String(this.events.size);
    this.updateJump();
  }

  private away(): boolean {
    return this.list.scrollTop > EVENT_ROW_HEIGHT / 2;
  }

  private updateJump(): void {
    const show = this.away() && this.newerAway > 0;
    if (this.jump.hidden === show) this.jump.hidden = !show;
    if (show) this.jump.textContent = `↑ ${formatCount(this.newerAway)} newer: jump to newest`;
  }
}
