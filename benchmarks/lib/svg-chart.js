'use strict';
/**
 * Line charts as standalone SVG, for the growth figures (11-13): how a measure grows with a size
 * that spans decades (clients, subscribers, bytes of retention), so the x axis is logarithmic. Hand
 * written rather than a charting dependency: a few lines and markers, no fonts, no scripts, the same
 * bytes for the same numbers (the charts are committed beside RESULTS.md and diffed).
 *
 * Every point carries its value as a label, so that the chart reads without its table.
 */
const fs = require('node:fs');
const path = require('node:path');

const WIDTH = 680;
const PLOT_HEIGHT = 250;
const MARGIN = { left: 78, right: 28, top: 44 };
const AXIS_SPACE = 56;
const LEGEND_ROW = 20;
// Ours first, in the colour a reader finds first; peers after. Colour-blind safe (Okabe-Ito).
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];

const escapeXml = (text) =>
  String(text).replace(
    /[<>&"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c],
  );

const round = (v) => Math.round(v * 10) / 10;

/** 1, 2 or 5 times a power of ten, at least `raw`: the step of a linear axis. */
function niceStep(raw) {
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
}

/** Domain and ticks of one axis over `values` (all finite; log axes need them > 0). */
function axis(values, kind, dataTicks) {
  if (kind === 'log') {
    const lo = Math.log10(Math.min(...values));
    const hi = Math.log10(Math.max(...values));
    if (dataTicks) {
      // The sizes measured are the ticks; a little room on each side for the markers.
      const pad = Math.max(0.15, (hi - lo) * 0.06);
      return {
        kind,
        min: lo - pad,
        max: hi + pad,
        ticks: [...new Set(values)].sort((a, b) => a - b),
      };
    }
    const min = Math.floor(lo);
    const max = Math.max(min + 1, Math.ceil(hi));
    const decades = max - min;
    const mantissas = decades <= 2 ? [1, 2, 5] : [1];
    const ticks = [];
    for (let e = min; e <= max; e++) {
      for (const m of mantissas) if (m * 10 ** e <= 10 ** max) ticks.push(m * 10 ** e);
    }
    return { kind, min, max, ticks };
  }
  const top = Math.max(...values, 0);
  const step = niceStep((top || 1) / 5);
  const max = Math.ceil((top * 1.08) / step) * step || step;
  const ticks = [];
  for (let t = 0; t <= max + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  return { kind, min: 0, max, ticks };
}

/** Position of `v` along an axis of `length` pixels (0 at the start). */
function place(ax, v, length) {
  const u = ax.kind === 'log' ? Math.log10(v) : v;
  return ((u - ax.min) / (ax.max - ax.min)) * length;
}

/** A short label for a tick or a point: 1,500 / 2.5 / 0.12 / 3.4k-free, as the caller formats it. */
function defaultFormat(v) {
  if (!Number.isFinite(v)) return 'n/a';
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1).replace(/\.0$/, '');
  if (Math.abs(v) >= 1) return v.toFixed(2).replace(/\.?0+$/, '');
  return Number(v.toPrecision(2)).toString();
}

/**
 * One chart.
 * @param {object} spec
 * @param {string} spec.title
 * @param {string} spec.xLabel axis title with its unit, e.g. "SSE clients (log scale)"
 * @param {string} spec.yLabel axis title with its unit, e.g. "p99 latency, ms"
 * @param {'log'|'linear'} [spec.yScale] linear by default (x is always log)
 * @param {{name: string, points: {x: number, y: number}[], dashed?: boolean}[]} spec.series
 *   points with a non-finite y are left out (the line breaks there)
 * @param {(x: number) => string} [spec.xFormat] tick labels of x
 * @param {(y: number) => string} [spec.yFormat] tick and point labels of y
 * @param {string} [spec.note] one line under the legend (what a reader must know, e.g. the load)
 * @returns {string} the SVG document
 */
function lineChart(spec) {
  const { title, xLabel, yLabel, series, note } = spec;
  const xFormat = spec.xFormat ?? defaultFormat;
  const yFormat = spec.yFormat ?? defaultFormat;
  const drawn = series.map((s) => ({
    ...s,
    points: s.points.filter((p) => Number.isFinite(p.x) && p.x > 0 && Number.isFinite(p.y)),
  }));
  const xs = drawn.flatMap((s) => s.points.map((p) => p.x));
  const ys = drawn
    .flatMap((s) => s.points.map((p) => p.y))
    .filter((y) => spec.yScale !== 'log' || y > 0);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const legendTop = MARGIN.top + PLOT_HEIGHT + AXIS_SPACE;
  const height = legendTop + LEGEND_ROW * (series.length + (note ? 1 : 0)) + 12;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ` +
      `font-family="Helvetica, Arial, sans-serif" font-size="12" role="img" aria-labelledby="title">`,
    `<title id="title">${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  if (xs.length === 0 || ys.length === 0) {
    out.push(
      `<text x="${WIDTH / 2}" y="${MARGIN.top + PLOT_HEIGHT / 2}" text-anchor="middle">no data: every run failed</text>`,
      '</svg>',
    );
    return `${out.join('\n')}\n`;
  }
  const xAxis = axis(xs, 'log', true);
  const yAxis = axis(ys, spec.yScale === 'log' ? 'log' : 'linear', false);
  const X = (v) => round(MARGIN.left + place(xAxis, v, plotWidth));
  const Y = (v) => round(MARGIN.top + PLOT_HEIGHT - place(yAxis, v, PLOT_HEIGHT));
  const bottom = MARGIN.top + PLOT_HEIGHT;

  // Grid and ticks.
  for (const t of yAxis.ticks) {
    out.push(
      `<line x1="${MARGIN.left}" y1="${Y(t)}" x2="${MARGIN.left + plotWidth}" y2="${Y(t)}" stroke="#e3e3e3"/>`,
      `<text x="${MARGIN.left - 8}" y="${Y(t) + 4}" text-anchor="end" fill="#444">${escapeXml(yFormat(t))}</text>`,
    );
  }
  for (const t of xAxis.ticks) {
    out.push(
      `<line x1="${X(t)}" y1="${MARGIN.top}" x2="${X(t)}" y2="${bottom}" stroke="#eeeeee"/>`,
      `<line x1="${X(t)}" y1="${bottom}" x2="${X(t)}" y2="${bottom + 5}" stroke="#444"/>`,
      `<text x="${X(t)}" y="${bottom + 19}" text-anchor="middle" fill="#444">${escapeXml(xFormat(t))}</text>`,
    );
  }
  out.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${PLOT_HEIGHT}" fill="none" stroke="#444"/>`,
    `<text x="${MARGIN.left + plotWidth / 2}" y="${bottom + 42}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text transform="translate(18 ${MARGIN.top + PLOT_HEIGHT / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`,
  );

  // Lines and markers first, then the value labels where they collide with no other label (above,
  // below, then beside the point); one that finds no room is left out: the table has it.
  const labels = [];
  drawn.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    if (s.points.length > 1) {
      const d = s.points.map((p, j) => `${j ? 'L' : 'M'}${X(p.x)} ${Y(p.y)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="2.5"${dash}/>`);
    }
    for (const p of s.points)
      out.push(`<circle cx="${X(p.x)}" cy="${Y(p.y)}" r="4" fill="${colour}"/>`);
  });
  // Markers are obstacles too: a label over another series' point hides it.
  const placed = drawn.flatMap((s) => s.points.map((p) => ({ x: X(p.x), y: Y(p.y), w: 10 })));
  const free = (x, y, w) =>
    placed.every((b) => Math.abs(b.y - y) >= 12 || Math.abs(b.x - x) >= (b.w + w) / 2 + 2);
  drawn.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    for (const p of s.points) {
      const text = yFormat(p.y);
      const w = text.length * 6.2;
      const px = X(p.x);
      const py = Y(p.y);
      const spots = [
        [px, py - 9],
        [px, py + 17],
        [px + w / 2 + 8, py - 4],
        [px - w / 2 - 8, py - 4],
      ];
      const spot = spots.find(([x, y]) => free(x, y - 4, w));
      if (!spot) continue;
      placed.push({ x: spot[0], y: spot[1] - 4, w });
      labels.push(
        `<text x="${round(spot[0])}" y="${round(spot[1])}" text-anchor="middle" font-size="11" fill="${colour}">${escapeXml(text)}</text>`,
      );
    }
  });
  out.push(...labels);

  // Legend under the axis title, one row per series.
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const y = legendTop + i * LEGEND_ROW;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(
      `<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + 28}" y2="${y}" stroke="${colour}" stroke-width="2.5"${dash}/>`,
      `<circle cx="${MARGIN.left + 14}" cy="${y}" r="4" fill="${colour}"/>`,
      `<text x="${MARGIN.left + 38}" y="${y + 4}">${escapeXml(s.name)}</text>`,
    );
  });
  if (note) {
    const y = legendTop + series.length * LEGEND_ROW;
    out.push(
      `<text x="${MARGIN.left}" y="${y + 4}" fill="#666" font-size="11">${escapeXml(note)}</text>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/**
 * Writes `svg` as `<dir>/<name>.svg` and returns the markdown that embeds it, relative to the report
 * beside `dir` (RESULTS.md beside charts/, results/quick.md beside results/charts/).
 */
function writeChart(dir, name, svg, alt) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.svg`), svg);
  return `![${alt}](${path.basename(dir)}/${name}.svg)`;
}

module.exports = { lineChart, writeChart, axis };
