import { byId, el, formatCount, setData, setText } from './dom.util';
import { formatDateTime, formatDuration } from './event.format';
import { RunSummary, RunSummaryStore } from './run-summary.store';
import {
  axisTicks,
  barGeometry,
  countRuns,
  keepRows,
  crossesDay,
  pickMarks,
  plural,
  progressText,
  rowsInsertedAbove,
  runDurationMs,
  runEndMs,
  TimelineRow,
  timelineRows,
  TimeRange,
} from './timeline.layout';
import { VirtualList } from './virtual-list.view';

/** Height of a timeline row, in px (the CSS says the same). */
export const TIMELINE_ROW_HEIGHT = 22;
/** Step marks drawn on a bar at most: enough to see progress, few enough to redraw often. */
export const MARKS_DRAWN = 16;
/** A drag shorter than this is a click. */
const MIN_DRAG_PX = 5;
/** Narrowest span a drag zooms into. */
const MIN_ZOOM_MS = 1000;

/** The range in words: `10:04:05–10:09:05 UTC`, with dates when it crosses a day. */
export function describeRange(range: TimeRange): string {
  const from = new Date(range.fromMs).toISOString();
  const to = new Date(range.toMs).toISOString();
  return crossesDay(range)
    ? `${from.slice(0, 10)} ${from.slice(11, 19)}–${to.slice(0, 10)} ${to.slice(11, 19)} UTC`
    : `${from.slice(11, 19)}–${to.slice(11, 19)} UTC`;
}

/**
 * The run timeline: one row per run, by start time (a new run is appended, no row moves), a bar
 * from start to end coloured by status (a running bar grows with the clock), step marks under it,
 * a tooltip with times and duration, a click to open the run, a drag over a time span to zoom
 * into it. Only the rows in view are in the DOM.
 */
export class TimelineView {
  private readonly list: VirtualList<TimelineRow>;
  private readonly axis = byId('timeline-axis');
  private readonly summary = byId('runs-summary');
  private readonly empty = byId('timeline-empty');
  private readonly tooltip = byId('tooltip');
  private readonly selection = el('div', { class: 'tl-selection' });
  private rows: TimelineRow[] = [];
  private shownRows = 0;
  /** The pointer is over the rows: the list does not follow new runs (no row moves under it). */
  private pointerIn = false;
  private now = Date.now();
  private drag: { x0: number; x1: number; left: number; width: number } | undefined;
  private dragged = false;
  /** The span drawn at the last render. */
  range: TimeRange = { fromMs: Date.now() - 60_000, toMs: Date.now() };

  constructor(
    private readonly runs: RunSummaryStore,
    onOpenRun: (runId: string) => void,
    private readonly onZoom: (range: TimeRange) => void,
  ) {
    const viewport = byId('timeline');
    this.list = new VirtualList<TimelineRow>(viewport, {
      rowHeight: TIMELINE_ROW_HEIGHT,
      rowClass: 'tl-row',
      key: (row) => `r:${row.run.runId}`,
      render: (row, element, state) => this.renderRow(row, element, state.fresh),
    });
    viewport.parentElement?.append(this.selection);
    this.selection.hidden = true;
    viewport.addEventListener('click', (ev) => {
      if (this.dragged) return;
      const row = (ev.target as HTMLElement).closest<HTMLElement>('.tl-row.run');
      if (row?.dataset['runId']) onOpenRun(row.dataset['runId']);
    });
    viewport.addEventListener('mousemove', (ev) => this.hover(ev));
    viewport.addEventListener('mouseenter', () => (this.pointerIn = true));
    viewport.addEventListener('mouseleave', () => {
      this.pointerIn = false;
      this.tooltip.hidden = true;
    });
    for (const area of [viewport, this.axis]) {
      area.addEventListener('mousedown', (ev) => this.startDrag(ev));
    }
    window.addEventListener('mousemove', (ev) => this.moveDrag(ev));
    window.addEventListener('mouseup', () => this.endDrag());
  }

  /**
   * Draws `runs` (those the filters select) over `range`; the summary counts the runs shown, in
   * this window, and says so.
   */
  render(nowMs: number, range: TimeRange, runs: readonly RunSummary[], label: string): void {
    this.now = nowMs;
    this.range = range;
    const next = timelineRows(runs, this.range, nowMs);
    const before = this.rows;
    // Under the pointer no row moves: rows that left the window stay until it leaves, new ones
    // are appended.
    this.rows = this.pointerIn ? keepRows(this.rows, next) : next;
    const rows = this.rows;
    // At the bottom (where new runs are appended), the list follows them; scrolled up, it stays
    // (cached sizes: reading the DOM's here would force a layout on every redraw).
    const height = this.list.viewportHeight;
    const atBottom =
      this.shownRows * TIMELINE_ROW_HEIGHT - height - this.list.scrollTop <=
      TIMELINE_ROW_HEIGHT * 1.5;
    this.shownRows = rows.length;
    this.list.setItems({ size: rows.length, at: (i) => rows[i] }, true);
    this.list.render();
    const above = rowsInsertedAbove(before, rows, this.list.scrollTop, TIMELINE_ROW_HEIGHT);
    const inView = Math.floor(height / TIMELINE_ROW_HEIGHT);
    if (above > 0 && height > 0) {
      // Older runs came in above the view (a window of days, page by page): the rows in view do
      // not move, in this very frame (a deferred scroll would show older rows for a frame).
      this.list.scrollTo(
        atBottom
          ? Math.max(0, rows.length - inView) * TIMELINE_ROW_HEIGHT
          : this.list.scrollTop + above * TIMELINE_ROW_HEIGHT,
      );
      this.list.render();
    } else if (atBottom && !this.pointerIn && height > 0 && rows.length > inView) {
      // The scroll event draws the rows now in view, at the next frame.
      // Whole rows from the top: no row is cut under the axis. At the next frame: setting the
      // scroll position now would force a layout of the rows just changed, inside this redraw.
      const y = (rows.length - inView) * TIMELINE_ROW_HEIGHT;
      requestAnimationFrame(() => this.list.scrollTo(y));
    }
    this.renderAxis();
    const counts = countRuns(next.map((row) => row.run));
    const summary =
      `${plural(counts.runs, 'run')} · ${formatCount(counts.running)} running · ` +
      `${formatCount(counts.failed)} failed in this window (${describeRange(range)})${label}`;
    setText(this.summary, summary);
    setData(this.summary, 'runs', String(counts.runs));
    setData(this.summary, 'failed', String(counts.failed));
    setData(this.summary, 'running', String(counts.running));
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
    const name = label.firstChild as HTMLElement;
    setText(name, run.taskId ? `${run.taskId} · ${run.runId}` : run.runId);
    if (name.title !== name.textContent) name.title = name.textContent ?? '';
    setText(label.lastChild as HTMLElement, progressText(run));
    const bar = track.firstChild as HTMLElement;
    const geometry = barGeometry(run, this.range, this.now);
    const barClass = `tl-bar st-${run.status}${geometry.cutStart ? ' cut' : ''}`;
    if (bar.className !== barClass) bar.className = barClass;
    bar.style.left = `${(geometry.left * 100).toFixed(3)}%`;
    bar.style.width = `${(geometry.width * 100).toFixed(3)}%`;
    this.renderMarks(run, bar.firstChild as HTMLElement);
  }

  /** Where the track is, in client px: the axis has the same left edge and width. */
  private trackBox(): { left: number; width: number } {
    const box = this.axis.getBoundingClientRect();
    return { left: box.left, width: Math.max(1, box.width) };
  }

  private startDrag(ev: MouseEvent): void {
    if (ev.button !== 0) return;
    const box = this.trackBox();
    if (ev.clientX < box.left || ev.clientX > box.left + box.width) return;
    this.drag = { x0: ev.clientX, x1: ev.clientX, ...box };
    this.dragged = false;
  }

  private moveDrag(ev: MouseEvent): void {
    const drag = this.drag;
    if (drag === undefined) return;
    drag.x1 = Math.min(drag.left + drag.width, Math.max(drag.left, ev.clientX));
    if (Math.abs(drag.x1 - drag.x0) < MIN_DRAG_PX) return;
    this.dragged = true;
    ev.preventDefault();
    const host = this.selection.parentElement?.getBoundingClientRect();
    const left = Math.min(drag.x0, drag.x1) - (host?.left ?? 0);
    this.selection.style.left = `${left}px`;
    this.selection.style.width = `${Math.abs(drag.x1 - drag.x0)}px`;
    this.selection.hidden = false;
  }

  private endDrag(): void {
    const drag = this.drag;
    this.drag = undefined;
    this.selection.hidden = true;
    if (drag === undefined || !this.dragged) return;
    const span = this.range.toMs - this.range.fromMs;
    const at = (x: number) => this.range.fromMs + ((x - drag.left) / drag.width) * span;
    const fromMs = Math.round(at(Math.min(drag.x0, drag.x1)));
    const toMs = Math.round(at(Math.max(drag.x0, drag.x1)));
    // The click that ends a drag is not a click on a run.
    setTimeout(() => (this.dragged = false), 0);
    if (toMs - fromMs >= MIN_ZOOM_MS) this.onZoom({ fromMs, toMs });
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
