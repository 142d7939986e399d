'use strict';
/**
 * Figure 2 child: the time the caller spends inside one log() call, measured call by call.
 *
 * usage: caller-cost.js <sink> <calls> <warmupCalls> <yieldEvery>
 */
const fs = require('node:fs');
const { makeEvents, freshDir, filesOnDisk, report, runMain, yieldToLoop } = require('./shared');
const { percentile } = require('../lib/stats');
const { loadSink } = require('./sinks');

/** Cost of the two clock reads themselves, which every sample includes. */
function timerOverheadNs(samples) {
  const ns = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const t0 = process.hrtime.bigint();
    ns[i] = Number(process.hrtime.bigint() - t0);
  }
  return percentile(ns.sort(), 50);
}

runMain(async () => {
  const [sinkName, callsArg, warmupArg, yieldArg] = process.argv.slice(2);
  const calls = Number(callsArg);
  const warmup = Number(warmupArg);
  const yieldEvery = Number(yieldArg);
  const sink = loadSink(sinkName);
  const events = makeEvents(warmup + calls);
  const dir = freshDir();
  const handle = await sink.open(dir);

  // The first calls run in the interpreter; an app that logs all day lives in the optimized code.
  for (let i = 0; i < warmup; i++) {
    handle.log(events[i]);
    if ((i + 1) % yieldEvery === 0) await yieldToLoop();
  }
  await yieldToLoop();
  const overhead = timerOverheadNs(10_000);

  const ns = new Float64Array(calls);
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    const event = events[warmup + i];
    const t0 = process.hrtime.bigint();
    handle.log(event);
    ns[i] = Number(process.hrtime.bigint() - t0);
    // The writes happen in setImmediate batches: yielding lets the queue drain as in a real app.
    if ((i + 1) % yieldEvery === 0) await yieldToLoop();
  }
  const end = process.hrtime.bigint();
  await handle.done();

  const disk = filesOnDisk(dir);
  await handle.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const sorted = ns.slice().sort();
  const sum = ns.reduce((a, b) => a + b, 0);
  report({
    sink: sink.name,
    calls,
    warmup,
    p50Us: percentile(sorted, 50) / 1000,
    p90Us: percentile(sorted, 90) / 1000,
    p99Us: percentile(sorted, 99) / 1000,
    p999Us: percentile(sorted, 99.9) / 1000,
    maxUs: sorted[sorted.length - 1] / 1000,
    meanUs: sum / calls / 1000,
    timerOverheadUs: overhead / 1000,
    lines: disk.lines,
    expectedLines: warmup + calls,
    window: { startUs: Number(start / 1000n), endUs: Number(end / 1000n) },
  });
});
