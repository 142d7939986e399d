import { byId, el, formatCount } from './dom.util';
import { formatClock, formatDateTime } from './event.format';
import { failedAtMs, FailureGroup, failureGroups } from './failure.groups';
import { RunSummary } from './run-summary.store';
import { crossesDay, plural, TimeRange } from './timeline.layout';

/** Runs listed under an open group at most (the group's count is the real one). */
export const GROUP_RUNS_SHOWN = 50;

/**
 * Failed runs of the window grouped by normalised reason (digits, ids, quoted values stripped):
 * each group with its count, first and last seen and the tasks affected; a click on a group opens
 * its runs, a click on a run opens the run.
 */
export class FailuresView {
  private readonly list = byId('failures');
  private readonly count = byId('failures-count');
  private readonly open = new Set<string>();
  private shown = '';

  constructor(onOpenRun: (runId: string) => void) {
    this.list.addEventListener('click', (ev) => {
      const target = ev.target as HTMLElement;
      const run = target.closest<HTMLElement>('[data-run-id]');
      if (run?.dataset['runId']) {
        onOpenRun(run.dataset['runId']);
        return;
      }
      const group = target.closest<HTMLElement>('li.f-group');
      const reason = group?.dataset['reason'];
      if (reason === undefined) return;
      if (this.open.has(reason)) this.open.delete(reason);
      else this.open.add(reason);
      this.shown = '';
    });
  }

  /** Draws the groups of the failed runs among `runs` (those of the window and filters). */
  render(runs: readonly RunSummary[], range: TimeRange): void {
    const groups = failureGroups(runs);
    const failed = groups.reduce((n, g) => n + g.runs.length, 0);
    const dated = crossesDay(range);
    // Redraw only when what is listed changed.
    const signature =
      `${dated}\u0002${[...this.open].join('\u0003')}\u0002` +
      groups.map((g) => `${g.reason}\u0000${g.runs.length}\u0000${g.lastMs}`).join('\u0001');
    if (signature === this.shown) return;
    this.shown = signature;
    this.count.textContent = failed ? `${formatCount(failed)} in this window` : '';
    this.count.dataset['count'] = String(failed);
    if (groups.length === 0) {
      this.list.replaceChildren(el('li', { class: 'empty', text: 'No failures in this window.' }));
      return;
    }
    const time = (ms: number) => (dated ? formatDateTime(ms) : formatClock(ms));
    this.list.replaceChildren(...groups.map((group) => this.groupItem(group, time)));
  }

  private groupItem(group: FailureGroup, time: (ms: number) => string): HTMLElement {
    const isOpen = this.open.has(group.reason);
    const tasks =
      group.tasks.length > 3
        ? `${group.tasks.slice(0, 3).join(', ')} +${group.tasks.length - 3}`
        : group.tasks.join(', ');
    const item = el(
      'li',
      {
        class: `f-group${isOpen ? ' open' : ''}`,
        'data-reason': group.reason,
        'data-count': String(group.runs.length),
        title: isOpen ? 'hide its runs' : 'show its runs',
      },
      el('span', { class: 'f-count', text: String(group.runs.length) }),
      el('span', { class: 'reason', text: group.reason }),
      el('span', {
        class: 'f-seen muted',
        text:
          group.runs.length === 1
            ? `at ${time(group.lastMs)}`
            : `first ${time(group.firstMs)} · last ${time(group.lastMs)}`,
      }),
      el('span', {
        class: 'f-task muted',
        text: `${plural(group.tasks.length, 'task')}: ${tasks}`,
      }),
    );
    if (isOpen) {
      const runs = el('ol', { class: 'f-runs' });
      for (const run of group.runs.slice(0, GROUP_RUNS_SHOWN)) {
        runs.append(
          el(
            'li',
            { 'data-run-id': run.runId, title: `${run.reason ?? ''}\nopen the run` },
            el('span', { class: 'f-time', text: time(failedAtMs(run)) }),
            el('span', { class: 'f-run', text: run.runId }),
            el('span', { class: 'f-task muted', text: run.taskId ?? '' }),
          ),
        );
      }
      if (group.runs.length > GROUP_RUNS_SHOWN) {
        runs.append(
          el('li', {
            class: 'muted',
            text: `the latest ${GROUP_RUNS_SHOWN} of ${group.runs.length}`,
          }),
        );
      }
      item.append(runs);
    }
    return item;
  }
}
