'use strict';
/**
 * Figure 1 child: logs N events of the seed's shape through one contender into a fresh directory
 * and times from the first log() until the contender says every byte is written.
 *
 * usage: throughput.js <sink> <events> <yieldEvery> [subscribers]
 *   subscribers (figure 12, event-logger only): that many live subscribers on the library's bus,
 *   each filtered to one task_id; the clock then stops once they have had every matching event too.
 */
const fs = require('node:fs');
const {
  makeEvents,
  freshDir,
  filesOnDisk,
  report,
  runMain,
  yieldToLoop,
  gcFunction,
} = require('./shared');
const { loadSink } = require('./sinks');

runMain(async () => {
  const [sinkName, countArg, yieldArg, subscribersArg] = process.argv.slice(2);
  const count = Number(countArg);
  const yieldEvery = Number(yieldArg);
  const subscribers = Number(subscribersArg ?? 0);
  const sink = loadSink(sinkName);
  const events = makeEvents(count);
  const dir = freshDir();
  const handle = await sink.open(dir, { subscribers });
  // The clock starts on a settled heap: the setup's garbage (the events built above, a framework's
  // bootstrap, loading the library) is no contender's logging, yet its collection would
  // land in some contenders' windows and not in others'.
  const gc = gcFunction();
  gc();
  gc();

  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    handle.log(events[i]);
    // A real app yields between jobs; without it every contender would buffer all N lines first.
    if ((i + 1) % yieldEvery === 0) await yieldToLoop();
  }
  // A contender that can only tell "done" after the fact (winston) returns when it really was.
  const end = (await handle.done()) ?? process.hrtime.bigint();

  const seconds = Number(end - start) / 1e9;
  const disk = filesOnDisk(dir);
  const stats = handle.stats ? handle.stats() : undefined;
  await handle.close();
  fs.rmSync(dir, { recursive: true, force: true });
  report({
    sink: sink.name,
    subscribers,
    deliveries: handle.deliveries?.(),
    events: count,
    seconds,
    eventsPerSec: count / seconds,
    ...disk,
    bytesPerEvent: disk.bytes / count,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    stats,
    // In hrtime microseconds, the clock of --cpu-prof samples: lets a profile keep the timed part only.
    window: { startUs: Number(start / 1000n), endUs: Number(end / 1000n) },
  });
});
