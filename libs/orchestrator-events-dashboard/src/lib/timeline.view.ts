import { byId, el, formatCount, setData, setText } from './dom.util';
import { formatDateTime, formatDuration } from './event.format';
import { RunSummary, RunSummaryStore } from './run-summary.store';
import {
  axisTicks,
  barGeometry,
  pickMarks,
  progressText,
  runDurationMs,
  runEndMs,
  TimelineRow,
  timelineRows,
  TimeRange,
  timeRange,
} from './timeline.layout';
import { TimeWindow } from './url.state';
import { VirtualList } from './virtual-list.view';

/** Height of a timeline row, in px (the CSS says the same). */
export const TIMELINE_ROW_HEIGHT = 22;
/** Step marks drawn on a bar at most: enough to see progress, few enough to redraw often. */
export const MARKS_DRAWN = 16;

/**
 * The run timeline: one row per run, grouped by task, a bar from start to end coloured by status
 * (a running bar grows with the clock), step marks on it, a tooltip with times and duration, a
 * click to open the run. Only the rows in view are in the DOM.
 */
export class TimelineView {
  private readonly list: VirtualList<TimelineRow>;
  private readonly axis = byId('timeline-axis');
  private readonly summary = byId('runs-summary');
  private readonly empty = byId('timeline-empty');
  private readonly tooltip = byId('tooltip');
  private rows: TimelineRow[] = [];
  private now = Date.now();
  /** The span drawn at the last render: the rate chart shows the same. */
  range: TimeRange = { fromMs: Date.now() - 60_000, toMs: Date.now() };

  constructor(
    private readonly runs: RunSummaryStore,
    onOpenRun: (runId: string) => void,
  ) {
    const viewport = byId('timeline');
    this.list = new VirtualList<TimelineRow>(viewport, {
      rowHeight: TIMELINE_ROW_HEIGHT,
      rowClass: 'tl-row',
      key: (row) => (row.kind === 'task' ? `t:${row.taskId}` : `r:${row.run.runId}`),
      render: (row, element, state) => this.renderRow(row, element, state.fresh),
    });
    viewport.addEventListener('click', (ev) => {
      const row = (ev.target as HTMLElement).closest<HTMLElement>('.tl-row.run');
      if (row?.dataset['runId']) onOpenRun(row.dataset['runId']);
    });
    viewport.addEventListener('mousemove', (ev) => this.hover(ev));
    viewport.addEventListener('mouseleave', () => (this.tooltip.hidden = true));
  }

  render(nowMs: number, window: TimeWindow, onlyMatched: boolean, label: string): void {
    this.now = nowMs;
    const runs = this.runs.list(onlyMatched);
    this.range = timeRange(window, runs, nowMs);
    this.rows = timelineRows(runs, this.range, nowMs);
    const rows = this.rows;
    this.list.setItems({ size: rows.length, at: (i) => rows[i] }, true);
    this.list.render();
    this.renderAxis();
    let running = 0;
    let failed = 0;
    for (const run of runs) {
      if (run.status === 'running') running++;
      else if (run.status === 'failed') failed++;
    }
    const summary =
      `${formatCount(runs.length)} runs · ${formatCount(running)} running · ` +
      `${formatCount(failed)} failed${label}`;
    if (this.summary.textContent !== summary) this.summary.textContent = summary;
    if (this.empty.hidden !== rows.length > 0) this.empty.hidden = rows.length > 0;
  }

  /** The time labels: the same elements moved along as the window slides. */
  private renderAxis(): void {
    // Labels too close to an edge would be cut in half: left out.
    const ticks = axisTicks(this.range).filter((tick) => tick.at > 0.03 && tick.at < 0.96);
    while (this.axis.childElementCount > ticks.length) this.axis.lastChild?.remove();
    while (this.axis.childElementCount < ticks.length) {
      this.axis.append(el('span', { class: 'tl-tick' }));
    }
    ticks.forEach((tick, i) => {
      const mark = this.axis.children[i] as HTMLElement;
      if (mark.textContent !== tick.label) mark.textContent = tick.label;
      mark.style.setProperty('--at', tick.at.toFixed(4));
    });
  }

  private renderRow(row: TimelineRow, element: HTMLElement, fresh: boolean): void {
    if (row.kind === 'task') {
      if (fresh || element.dataset['kind'] !== 'task') {
        element.className = 'tl-row task';
        element.dataset['kind'] = 'task';
        delete element.dataset['runId'];
        delete element.dataset['status'];
      }
      element.dataset['taskId'] = row.taskId;
      const counts = [`${row.runs} run${row.runs === 1 ? '' : 's'}`];
      if (row.running) counts.push(`${row.running} running`);
      if (row.failed) counts.push(`${row.failed} failed`);
      element.textContent = `${row.taskId}  ·  ${counts.join(' · ')}`;
      return;
    }
    const run = row.run;
    if (fresh || element.dataset['kind'] !== 'run') {
      element.className = 'tl-row run';
      element.dataset['kind'] = 'run';
      element.replaceChildren(
        el(
          'span',
          { class: 'tl-label' },
          el('span', { class: 'tl-name' }),
          el('span', { class: 'tl-progress' }),
        ),
        el(
          'div',
          { class: 'tl-track' },
          el('div', { class: 'tl-bar' }, el('div', { class: 'tl-marks' })),
        ),
      );
    }
    setData(element, 'runId', run.runId);
    setData(element, 'taskId', run.taskId ?? '');
    setData(element, 'status', run.status);
    setData(element, 'step', String(run.step));
    setData(element, 'steps', run.steps === undefined ? '' : String(run.steps));
    const [label, track] = element.children as unknown as [HTMLElement, HTMLElement];
    setText(label.firstChild as HTMLElement, run.runId);
    setText(label.lastChild as HTMLElement, progressText(run));
    const bar = track.firstChild as HTMLElement;
    const geometry = barGeometry(run, this.range, this.now);
    const barClass = `tl-bar st-${run.status}${geometry.cutStart ? ' cut' : ''}`;
    if (bar.className !== barClass) bar.className = barClass;
    bar.style.left = `${(geometry.left * 100).toFixed(3)}%`;
    bar.style.width = `${(geometry.width * 100).toFixed(3)}%`;
    this.renderMarks(run, bar.firstChild as HTMLElement);
  }

  /**
   * Step marks, placed within the bar: at most `MARKS_DRAWN` (evenly picked; the count is in the
   * label), fixed once the run ended, moved while it runs (its bar grows under them).
   */
  private renderMarks(run: RunSummary, marks: HTMLElement): void {
    const picked = pickMarks(run.marks, MARKS_DRAWN);
    const start = run.startMs;
    const span = Math.max(1, runEndMs(run, this.now) - start);
    const key = `${run.marks.length}:${run.endMs ?? Math.round(span / 250)}`;
    if (marks.dataset['key'] === key) return;
    marks.dataset['key'] = key;
    while (marks.childElementCount > picked.length) marks.lastChild?.remove();
    while (marks.childElementCount < picked.length) marks.append(el('i', { class: 'tl-mark' }));
    picked.forEach((t, i) => {
      (marks.children[i] as HTMLElement).style.left = `${(((t - start) / span) * 100).toFixed(2)}%`;
    });
  }

  private hover(ev: MouseEvent): void {
    const row = (ev.target as HTMLElement).closest<HTMLElement>('.tl-row.run');
    const run = row?.dataset['runId'] ? this.runs.get(row.dataset['runId']) : undefined;
    if (run === undefined) {
      this.tooltip.hidden = true;
      return;
    }
    const lines = [
      `run ${run.runId}`,
      `task ${run.taskId ?? '-'}`,
      `status ${run.status}${run.statusText && run.statusText !== run.status ? ` (${run.statusText})` : ''}`,
      `started ${formatDateTime(run.startMs)}`,
      run.endMs !== undefined
        ? `ended ${formatDateTime(run.endMs)}`
        : `last event ${formatDateTime(run.lastMs)}`,
      `duration ${formatDuration(runDurationMs(run, this.now))}${run.status === 'running' ? ' so far' : ''}`,
    ];
    const progress = progressText(run);
    if (progress) lines.push(`steps ${progress}`);
    lines.push(`${formatCount(run.events)} events`);
    if (run.reason) lines.push(`reason: ${run.reason}`);
    this.tooltip.textContent = lines.join('\n');
    this.tooltip.dataset['runId'] = run.runId;
    this.tooltip.hidden = false;
    const x = Math.min(ev.clientX + 14, window.innerWidth - this.tooltip.offsetWidth - 8);
    const y = Math.min(ev.clientY + 14, window.innerHeight - this.tooltip.offsetHeight - 8);
    this.tooltip.style.transform = `translate(${Math.max(0, x)}px, ${Math.max(0, y)}px)`;
  }
}
