import { parseLevel } from '@orchestrator/events-contract';
import { byId, el } from './dom.util';
import { RUN_STATUSES, RunStatus } from '@orchestrator/events-contract';
import { DashboardState, FilterText, isHistoryWindow, TIME_WINDOWS, TimeWindow } from './url.state';

/** The filter form: shows the state, and hands back what the user applied. */
export class FiltersView {
  private readonly form = byId<HTMLFormElement>('filters');

  /**
   * @param history whether the server has a history store: without one the windows of days
   * (6 h, 24 h, 7 d) are not offered.
   */
  constructor(
    onApply: (filter: FilterText, window: TimeWindow, status: RunStatus | undefined) => void,
    private readonly history: boolean,
  ) {
    if (!history) {
      for (const option of this.form.querySelectorAll(
        'select[name="window"] option[data-history]',
      )) {
        option.remove();
      }
    }
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      onApply(this.readFilter(), this.readWindow(), this.readStatus());
    });
    for (const name of ['window', 'status']) {
      this.field(name).addEventListener('change', () =>
        onApply(this.readFilter(), this.readWindow(), this.readStatus()),
      );
    }
    byId('clear-filters').addEventListener('click', () =>
      onApply({}, this.readWindow(), undefined),
    );
  }

  show(state: DashboardState): void {
    for (const key of ['task_id', 'run_id', 'event'] as const) {
      (this.field(key) as HTMLInputElement).value = state.filter[key] ?? '';
    }
    const level = this.field('level') as HTMLSelectElement;
    const raw = state.filter.level ?? '';
    // A level from a link shows as the level it means (warn: WARNING), or as typed when unknown,
    // so that the server's refusal of it can be seen next to it.
    const value = raw ? (parseLevel(raw) ?? raw) : '';
    level.querySelector('option[data-custom]')?.remove();
    if (value && ![...level.options].some((o) => o.value === value)) {
      level.append(el('option', { 'data-custom': '1', text: value }));
    }
    level.value = value;
    (this.field('window') as HTMLSelectElement).value = state.window;
    (this.field('status') as HTMLSelectElement).value = state.status ?? '';
  }

  private readStatus(): RunStatus | undefined {
    const value = (this.field('status') as HTMLSelectElement).value as RunStatus;
    return RUN_STATUSES.includes(value) ? value : undefined;
  }

  private readFilter(): FilterText {
    const filter: FilterText = {};
    for (const key of ['task_id', 'run_id', 'event', 'level'] as const) {
      const value = (this.field(key) as HTMLInputElement | HTMLSelectElement).value.trim();
      if (value) filter[key] = value;
    }
    return filter;
  }

  private readWindow(): TimeWindow {
    const value = (this.field('window') as HTMLSelectElement).value as TimeWindow;
    return TIME_WINDOWS.includes(value) && (this.history || !isHistoryWindow(value))
      ? value
      : 'auto';
  }

  private field(name: string): HTMLInputElement | HTMLSelectElement {
    return this.form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;
  }
}
