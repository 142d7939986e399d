import { EVENT_LEVELS, EventLevel } from '@orchestrator/events-contract';
import uPlot from 'uplot';
import { byId, el, formatCount } from './dom.util';
import { RateSource } from './history.window';
import { RateBuckets } from './rate.buckets';
import { axisTicks, TimeRange } from './timeline.layout';

const COLORS: Record<EventLevel, string> = {
  DEBUG: '#8c95a6',
  INFO: '#0969da',
  WARNING: '#bf8700',
  ERROR: '#cf222e',
};
/** Levels drawn on their own scale, with points: 8 errors among 18,000 events stay visible. */
const RARE: ReadonlySet<EventLevel> = new Set(['WARNING', 'ERROR']);

const CHART_HEIGHT = 150;
/** Size of the y axis's label, in px (uPlot adds it to the axis's size). */
const Y_LABEL_SIZE = 14;

/**
 * Events per second by level over the timeline's span (uPlot: a canvas, one redraw a second),
 * with the same time axis as the timeline, pixel for pixel: its plot area is laid over the
 * timeline's track (same left edge, same width) and its ticks are the timeline's. DEBUG and INFO
 * share the left scale; WARNING and ERROR have their own, with points. The totals count the
 * events of the window shown, under the page's filter.
 */
export class RateChartView {
  private readonly host = byId('rate-chart');
  private readonly totals = byId('rate-totals');
  private readonly track = byId('timeline-axis');
  private readonly plot: uPlot;
  private range: TimeRange = { fromMs: Date.now() - 60_000, toMs: Date.now() };
  /** Where the plot area goes in the chart: measured from the timeline's track when sizes change. */
  private align = { left: 50, right: 12 };
  private shownTotals = '';
  /** Lowest top of the WARNING/ERROR scale: 1/s live, none for the server's counts. */
  private rareFloor = 1;

  constructor(private readonly rate: RateBuckets) {
    this.plot = new uPlot(
      {
        width: Math.max(200, this.host.clientWidth),
        height: CHART_HEIGHT,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        padding: [8, () => this.align.right, 0, 0],
        // The event lines are in UTC: so is the axis.
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: {
          x: { time: true, range: () => [this.range.fromMs / 1000, this.range.toMs / 1000] },
          y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
          // Live, at least 1/s (one event in a second); in a window of days, rates of a few events
          // per bucket are far below 1/s and would lie flat on the axis under that floor.
          rare: {
            range: (_u, _min, max) => [0, max > 0 ? Math.max(this.rareFloor, max * 1.25) : 1],
          },
        },
        axes: [
          {
            // The timeline's ticks and labels (UTC, with dates when the span crosses a day).
            splits: () => axisTicks(this.range).map((tick) => tick.ms / 1000),
            values: (_u, splits) => {
              const labels = new Map(axisTicks(this.range).map((t) => [t.ms / 1000, t.label]));
              return splits.map((s) => labels.get(s) ?? '');
            },
          },
          {
            size: () => Math.max(30, this.align.left - Y_LABEL_SIZE),
            label: 'events/s',
            labelSize: Y_LABEL_SIZE,
          },
        ],
        series: [
          {},
          ...EVENT_LEVELS.map((level) => ({
            label: level,
            scale: RARE.has(level) ? 'rare' : 'y',
            stroke: COLORS[level],
            fill: RARE.has(level) ? undefined : `${COLORS[level]}22`,
            width: RARE.has(level) ? 2 : 1.5,
            // Seconds without any are gaps (null): what is drawn are the seconds that had some.
            points: RARE.has(level)
              ? { show: true, size: 6, fill: COLORS[level] }
              : { show: false },
          })),
        ],
      },
      [[], [], [], [], []],
      this.host,
    );
    const observer = new ResizeObserver(() => this.measure());
    observer.observe(this.host);
    observer.observe(this.track);
  }

  /** Lays the plot area over the timeline's track: same left edge, same width, in CSS px. */
  private measure(): void {
    const root = this.plot.root.getBoundingClientRect();
    const track = this.track.getBoundingClientRect();
    const width = Math.round(this.host.clientWidth);
    if (width <= 0 || track.width <= 0) return;
    const left = Math.round(track.left - root.left);
    const right = Math.round(root.left + width - (track.left + track.width));
    if (left < 40 || right < 0) return; // stacked layout: the chart keeps its own axis
    if (left === this.align.left && right === this.align.right && width === this.plot.width) return;
    this.align = { left, right };
    this.plot.setSize({ width, height: CHART_HEIGHT });
  }

  /**
   * Draws `range` from `source`: the page's own per-second counts (default), or the server's
   * counts for a window of days.
   */
  render(range: TimeRange, source: RateSource = this.rate): void {
    this.range = range;
    this.rareFloor = source === this.rate ? 1 : 0;
    const series = source.series(range.fromMs, range.toMs);
    this.plot.setData([
      series.x,
      ...EVENT_LEVELS.map((level) =>
        RARE.has(level)
          ? series.perLevel[level].map((v) => (v > 0 ? v : null))
          : series.perLevel[level],
      ),
    ] as uPlot.AlignedData);
    const window = source.totalsBetween(range.fromMs, range.toMs);
    const signature = `${window.sinceMs}:${window.untilMs}:${EVENT_LEVELS.map((l) => window.counts[l]).join(',')}`;
    if (signature === this.shownTotals) return;
    this.shownTotals = signature;
    this.totals.dataset['since'] = new Date(window.sinceMs).toISOString();
    this.totals.dataset['until'] = new Date(window.untilMs).toISOString();
    this.totals.replaceChildren(
      el('span', {
        class: 'muted',
        text: window.complete ? 'in this window:' : 'in the last hour of this window:',
      }),
      ...EVENT_LEVELS.map((level) =>
        el('span', {
          class: `total lvl-${level}`,
          'data-level': level,
          'data-count': String(window.counts[level]),
          text: `${level} ${formatCount(window.counts[level])}`,
        }),
      ),
      el('span', { class: 'muted', text: '· WARNING and ERROR on their own scale' }),
    );
  }
}
