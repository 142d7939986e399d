'use strict';
/**
 * Figure 5 child: cost of one publish on a bus with S subscribers, each filtered to its own
 * task_id; every event is for one of those tasks, so exactly one subscriber receives it.
 *
 * usage: routing.js <memory|rxjs> <subscribers> <measureMs>
 *   memory: the library's MemoryEventBus (subscribe(filter, listener) / publish(built));
 *   rxjs:   the usual hand-rolled alternative, a Subject with pipe(filter(...)) per subscriber.
 */
const path = require('node:path');
const fs = require('node:fs');
const { LIBRARY, freshDir, report, runMain } = require('./shared');
const { median } = require('../lib/stats');

/** Distinct events to cycle through: enough that the CPU cannot keep one hot event in a register. */
const DISTINCT_EVENTS = 10_000;
const SLICE_MS = 50;
const BATCH_NS = 100_000;

function builtEvents(taskIds) {
  const { resolveOptions } = require(path.join(LIBRARY, 'lib', 'options', 'resolve-options'));
  const { EventLineBuilder } = require(path.join(LIBRARY, 'lib', 'event', 'event-line'));
  const { EventIdGenerator } = require(path.join(LIBRARY, 'lib', 'event', 'event-id'));
  // The library's defaults (replay buffer, line limit), without reading this process's environment.
  const dir = freshDir();
  const options = resolveOptions({ env: {}, logFile: path.join(dir, 'unused.log') });
  fs.rmSync(dir, { recursive: true, force: true });
  const builder = new EventLineBuilder(
    options.orchId,
    new EventIdGenerator(options.orchId),
    options.maxLineBytes,
  );
  const events = [];
  for (let i = 0; i < DISTINCT_EVENTS; i++) {
    const input = {
      event: 'task_progress',
      task_id: taskIds[i % taskIds.length],
      run_id: `run-${i % 100}`,
      status: 'running',
      message: 'step done',
      duration_ms: i,
    };
    events.push(builder.build(input, 'INFO', undefined));
  }
  return { events, options };
}

function memoryBus(taskIds, options, listener) {
  const { MemoryEventBus } = require(path.join(LIBRARY, 'lib', 'bus', 'memory-event.bus'));
  const bus = new MemoryEventBus(options.replayBufferSize);
  for (const task_id of taskIds) bus.subscribe({ task_id }, listener);
  return (built) => bus.publish(built);
}

function rxjsBus(taskIds, _options, listener) {
  const { Subject, filter } = require('rxjs');
  const subject = new Subject();
  for (const id of taskIds) subject.pipe(filter((b) => b.event.task_id === id)).subscribe(listener);
  return (built) => subject.next(built);
}

/**
 * Publishes for `ms`, timed in slices of about SLICE_MS. A run's figure is the median slice: a slice
 * where another process took the CPU or the cache counts once instead of dragging the mean.
 * Clock reads happen once per batch, sized to take about 0.1 ms, so they cost nothing measurable.
 */
function publishFor(publish, events, ms, batch) {
  const budget = BigInt(ms) * 1_000_000n;
  const sliceBudget = BigInt(SLICE_MS) * 1_000_000n;
  const slices = [];
  let count = 0;
  let elapsed = 0n;
  while (elapsed < budget) {
    let sliceCount = 0;
    let sliceNs = 0n;
    while (sliceNs < sliceBudget) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < batch; i++) publish(events[(count + sliceCount + i) % events.length]);
      sliceNs += process.hrtime.bigint() - t0;
      sliceCount += batch;
    }
    slices.push(Number(sliceNs) / sliceCount);
    count += sliceCount;
    elapsed += sliceNs;
  }
  return { published: count, ns: Number(elapsed), slices };
}

runMain(async () => {
  const [kind, subsArg, msArg] = process.argv.slice(2);
  const subscribers = Number(subsArg);
  const measureMs = Number(msArg);
  const taskIds = Array.from({ length: subscribers }, (_, i) => `task-${i}`);
  const { events, options } = builtEvents(taskIds);
  let delivered = 0;
  const listener = () => delivered++;
  const publish = (kind === 'rxjs' ? rxjsBus : memoryBus)(taskIds, options, listener);

  // Warm-up, untimed: lets the JIT settle, and sizes the batches from the cost it sees.
  const warm = publishFor(publish, events, Math.ceil(measureMs / 4), 10);
  const batch = Math.max(1, Math.min(10_000, Math.round(BATCH_NS / median(warm.slices))));
  delivered = 0;
  const start = process.hrtime.bigint();
  const { published, ns, slices } = publishFor(publish, events, measureMs, batch);
  const end = process.hrtime.bigint();
  report({
    bus: kind,
    subscribers,
    published,
    delivered,
    nsPerPublish: median(slices),
    meanNsPerPublish: ns / published,
    slices: slices.length,
    batch,
    window: { startUs: Number(start / 1000n), endUs: Number(end / 1000n) },
  });
});
