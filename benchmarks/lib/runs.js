'use strict';
/** Helpers over the per-run outcomes that runInterleaved() returns: `{ result }` or `{ error }`. */
const { median } = require('./stats');

/** The results of the runs that succeeded. */
function ok(runs) {
  return runs.filter((r) => r.result).map((r) => r.result);
}

/** Median of `pick(result)` over the successful runs. */
function medianOf(runs, pick) {
  return median(ok(runs).map(pick));
}

/** One cell per run, in run order: the formatted value, or "failed". */
function perRun(runs, format) {
  return runs.map((r) => (r.result ? format(r.result) : 'failed'));
}

/** "run 1", "run 2", ... headers for `count` runs. */
function runHeaders(count) {
  return Array.from({ length: count }, (_, i) => `run ${i + 1}`);
}

/** The latency columns of the SSE figures: p50, p99 (median, then each run's), p99.9, max. */
function latencyHeaders(count) {
  return ['p50 ms', 'p99 ms', ...runHeaders(count).map((h) => `p99 ${h}`), 'p99.9 ms', 'max ms'];
}

/** Error messages of the failed runs, for the notes under a table. */
function failures(name, runs) {
  return runs
    .map((r, i) => (r.error ? `- ${name}, run ${i + 1} failed: \`${r.error.split('\n')[0]}\`` : ''))
    .filter(Boolean);
}

/**
 * A growth curve: for each `[x, contenderName]`, the median of `pick` over that contender's runs.
 * @returns {{x: number, y: number}[]}
 */
function seriesOf(runs, pairs, pick) {
  return pairs.map(([x, name]) => ({ x, y: medianOf(runs[name] ?? [], pick) }));
}

module.exports = { ok, medianOf, perRun, runHeaders, latencyHeaders, failures, seriesOf };
