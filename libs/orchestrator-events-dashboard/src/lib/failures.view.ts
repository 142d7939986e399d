import { byId, el, formatCount } from './dom.util';
import { formatClock } from './event.format';
import { RunSummaryStore } from './run-summary.store';

/** Failed runs listed, newest first. */
export const FAILURES_SHOWN = 20;

/** The latest failed runs with their reason; a click opens the run. */
export class FailuresView {
  private readonly list = byId('failures');
  private readonly count = byId('failures-count');
  private shown = '';

  constructor(
    private readonly runs: RunSummaryStore,
    onOpenRun: (runId: string) => void,
  ) {
    this.list.addEventListener('click', (ev) => {
      const item = (ev.target as HTMLElement).closest<HTMLElement>('li[data-run-id]');
      if (item?.dataset['runId']) onOpenRun(item.dataset['runId']);
    });
  }

  render(onlyMatched: boolean): void {
    const failed = this.runs.failures(onlyMatched, FAILURES_SHOWN);
    // Redraw only when what is listed changed.
    const signature = failed.map((r) => `${r.runId}\u0000${r.reason ?? ''}`).join('\u0001');
    if (signature === this.shown) return;
    this.shown = signature;
    this.count.textContent = failed.length ? `(${formatCount(failed.length)})` : '';
    if (failed.length === 0) {
      this.list.replaceChildren(el('li', { class: 'empty', text: 'No failed run.' }));
      return;
    }
    this.list.replaceChildren(
      ...failed.map((run) =>
        el(
          'li',
          { 'data-run-id': run.runId, title: 'open the run' },
          el('span', { class: 'f-time', text: formatClock(run.endMs ?? run.lastMs) }),
          el('span', { class: 'f-run', text: run.runId }),
          el('span', { class: 'f-task muted', text: run.taskId ?? '' }),
          el('span', { class: 'reason', text: run.reason ?? '(no reason logged)' }),
        ),
      ),
    );
  }
}
