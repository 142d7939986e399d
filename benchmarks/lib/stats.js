'use strict';
/** Small statistics and number formatting shared by the figures. */

/** Median of the finite numbers in `values` (undefined when there are none). */
function median(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile of an ascending array: p99 is the value 99% of samples do not exceed. */
function percentile(sortedAscending, p) {
  if (sortedAscending.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sortedAscending.length);
  return sortedAscending[Math.min(sortedAscending.length, Math.max(1, rank)) - 1];
}

/** Sample count, p50, p99, p99.9, max and mean of latencies in ms (any order). */
function latencySummary(samplesMs) {
  const sorted = Float64Array.from(samplesMs).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    latencySamples: sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    p999Ms: percentile(sorted, 99.9),
    maxMs: sorted[sorted.length - 1],
    meanMs: sum / sorted.length,
  };
}

/** 1234567.8 -> "1,234,568"; undefined -> "n/a". */
function int(value) {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

/** Fixed decimals, or "n/a". */
function fixed(value, digits = 2) {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** A ratio as "1.23×". */
function ratio(value) {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}

module.exports = { median, percentile, latencySummary, int, fixed, ratio };
