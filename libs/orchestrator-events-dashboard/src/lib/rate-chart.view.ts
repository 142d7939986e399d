import { EVENT_LEVELS, EventLevel } from '@orchestrator/events-contract';
import uPlot from 'uplot';
import { byId, el, formatCount } from './dom.util';
import { RateBuckets } from './rate.buckets';
import { TimeRange } from './timeline.layout';

const COLORS: Record<EventLevel, string> = {
  DEBUG: '#8c95a6',
  INFO: '#0969da',
  WARNING: '#bf8700',
  ERROR: '#cf222e',
};

const CHART_HEIGHT = 150;

/**
 * Events per second by level over the timeline's span (uPlot: a canvas, one redraw a second),
 * and the counts per level received under the page's filter.
 */
export class RateChartView {
  private readonly host = byId('rate-chart');
  private readonly totals = byId('rate-totals');
  private readonly plot: uPlot;
  private shownVersion = -1;

  constructor(private readonly rate: RateBuckets) {
    this.plot = new uPlot(
      {
        width: Math.max(200, this.host.clientWidth),
        height: CHART_HEIGHT,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        // The event lines are in UTC: so is the axis.
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
        axes: [
          {
            // UTC clock times, as in the event lines.
            space: 90,
            values: (_u, splits) =>
              splits.map((s) => new Date(s * 1000).toISOString().slice(11, 19)),
          },
          { size: 50, label: 'events/s', labelSize: 14 },
        ],
        series: [
          {},
          ...EVENT_LEVELS.map((level) => ({
            label: level,
            stroke: COLORS[level],
            fill: `${COLORS[level]}22`,
            width: 1.5,
            points: { show: false },
          })),
        ],
      },
      [[], [], [], [], []],
      this.host,
    );
    new ResizeObserver(() => {
      const width = this.host.clientWidth;
      if (width > 0 && Math.abs(width - this.plot.width) > 1) {
        this.plot.setSize({ width, height: CHART_HEIGHT });
      }
    }).observe(this.host);
  }

  render(range: TimeRange): void {
    const series = this.rate.series(range.fromMs, range.toMs);
    this.plot.setData([series.x, ...EVENT_LEVELS.map((level) => series.perLevel[level])]);
    if (this.rate.version === this.shownVersion) return;
    this.shownVersion = this.rate.version;
    this.totals.replaceChildren(
      ...EVENT_LEVELS.map((level) =>
        el('span', {
          class: `total lvl-${level}`,
          'data-level': level,
          'data-count': String(this.rate.totals[level]),
          text: `${level} ${formatCount(this.rate.totals[level])}`,
        }),
      ),
    );
  }
}
