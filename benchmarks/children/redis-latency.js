'use strict';
/**
 * Figure 7 child: instance B, the process the harness starts (so `--cpu-prof` lands on it). It
 * forks instance A (children/redis-instance-a.js), which logs, and, for the library, the SSE clients
 * (children/sse-clients.js, as children/sse-server.js does), which connect to B. B itself logs
 * nothing: every event its clients get came from A through Redis. Each run uses its own stream key,
 * `<keyPrefix>:<pid>`, deleted at the end.
 *
 * usage:
 *   redis-latency.js library <redisUrl> <keyPrefix> <clients> <tasks> <seconds> <rate> <warmupSeconds>
 *     A and B: OrchestratorEventsModule on the Redis bus (orchId `a`, `b`); <clients> SSE clients on
 *     B, client i filtered to task-(i mod <tasks>); A logs <rate> events/s over the tasks,
 *     <warmupSeconds> untimed then <seconds> timed; latency = client's receipt - A's `sent_at`.
 *   redis-latency.js floor <redisUrl> <keyPrefix> <tasks> <seconds> <rate> <warmupSeconds>
 *     the practical limit of one Redis hop: A XADDs the same events with plain ioredis, B reads with
 *     one `XREAD COUNT 1000 BLOCK 0 STREAMS <key> <last id>` loop; latency = B's receipt - `sent_at`.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { fork } = require('node:child_process');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const Redis = require('ioredis');
const { freshDir, report, runMain } = require('./shared');
const { startClients, messenger, clockOffsetMs, taskPaths } = require('./sse-server');
const { clock } = require('./sse/stream-client');
const { latencySummary, percentile } = require('../lib/stats');

const INSTANCE_A = path.join(__dirname, 'redis-instance-a.js');

/**
 * Forks instance A. The library needs this process's preload (children/preload.js), never the
 * profiler's flags; the raw floor is plain Node.
 */
function forkInstanceA(mode, redisUrl, stream, tasks) {
  const execArgv =
    mode === 'library' ? process.execArgv.filter((arg) => !arg.startsWith('--cpu-prof')) : [];
  const child = fork(INSTANCE_A, [mode, redisUrl, stream, String(tasks)], {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return { child, a: messenger(child) };
}

/** Tells `child` to exit (again: harmless) and resolves when it has; kills it after `graceMs`. */
function exited(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  if (child.connected) child.send({ type: 'exit' });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Tells A to log, and measures this process over A's timed part (from A's 'timing' to its 'done').
 */
async function timedWindow(a, { rate, warmup, seconds }) {
  a.send({ type: 'log', rate, warmup, seconds });
  await a.wait('timing', 30_000);
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  const aDone = await a.wait('done', seconds * 1000 + 30_000);
  const end = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  loop.disable();
  const windowUs = Number(end - start) / 1000;
  return {
    instanceA: aDone,
    events: aDone.events,
    warmupEvents: aDone.warmupEvents,
    windowS: windowUs / 1e6,
    cpuPercent: (100 * (cpu.user + cpu.system)) / windowUs,
    cpuUserPercent: (100 * cpu.user) / windowUs,
    cpuSystemPercent: (100 * cpu.system) / windowUs,
    aCpuPercent: aDone.cpuPercent,
    serverClockOffsetMs: clockOffsetMs(),
    serverLoopMaxMs: loop.max / 1e6,
    aLoopMaxMs: aDone.loopMaxMs,
    window: { startUs: Number(start / 1000n), endUs: Number(end / 1000n) },
  };
}

async function library(redisUrl, stream, [clients, tasks, seconds, rate, warmup]) {
  const dir = freshDir('orch-bench-redis-b-');
  const cleanup = [() => fs.rmSync(dir, { recursive: true, force: true })];
  try {
    const server = await require('./sse/library-redis').start({
      dir,
      redisUrl,
      stream,
      orchId: 'b',
    });
    // A short grace for a clean close; the process exits right after anyway.
    cleanup.unshift(() => Promise.race([server.close(), new Promise((r) => setTimeout(r, 1000))]));
    // Where the time goes: when B's bus hands each event to its subscribers, against A's stamp.
    // Subscribed to each task before the clients are, so that the bus calls it first: it times the
    // event reaching the bus, not the bus done building and queuing its SSE clients' frames (an
    // unfiltered subscriber is called after them). Read-only: B still logs nothing.
    const arrivals = new Float64Array(rate * (warmup + seconds));
    const taskFilters = Array.from({ length: tasks }, (_, i) => ({ task_id: `task-${i}` }));
    server.onBusEvent((event) => {
      if (event.seq < arrivals.length) arrivals[event.seq] = clock() - event.sent_at;
    }, taskFilters);
    const { child: aChild, a } = forkInstanceA('library', redisUrl, stream, tasks);
    cleanup.unshift(() => exited(aChild));
    await a.wait('ready', 60_000);
    const { child, fds } = startClients(clients + 200);
    cleanup.unshift(() => exited(child));
    const client = messenger(child);
    client.send({ type: 'open', port: server.port, clients, paths: taskPaths(server, tasks) });
    const connected = await client.wait('connected');

    const timed = await timedWindow(a, { rate, warmup, seconds });
    const total = timed.warmupEvents + timed.events;
    client.send({ type: 'finish', total, from: timed.warmupEvents, tasks });
    const result = await client.wait('result', 60_000);
    const busState = server.busState();
    const hop = arrivals.subarray(timed.warmupEvents).filter((v) => v !== 0);
    hop.sort();
    return {
      connect: connected,
      clientFds: fds,
      ...timed,
      ...result,
      busState,
      // log() on A → B's bus delivering it (the Redis hop, B's reader and decoding included).
      toBusSamples: hop.length,
      toBusP50Ms: percentile(hop, 50),
      toBusP99Ms: percentile(hop, 99),
      toBusP999Ms: percentile(hop, 99.9),
      toBusMaxMs: hop[hop.length - 1],
    };
  } finally {
    for (const step of cleanup) await step();
  }
}

/** The floor: B is one blocking XREAD loop, timing every entry on receipt. */
async function floor(redisUrl, stream, [tasks, seconds, rate, warmup]) {
  const reader = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0 });
  await reader.connect();
  const counts = new Uint8Array(rate * (warmup + seconds));
  const latencies = [];
  let warmCount = Infinity;
  let received = 0;
  let foreign = 0;
  let lastReceiptAt = 0;
  let stopped = false;
  // The key is fresh (no entries yet): reading after 0-0 is `$` without the gap between two XREADs.
  let lastId = '0-0';
  let readError;
  const readLoop = (async () => {
    while (!stopped) {
      const reply = await reader.xread('COUNT', 1000, 'BLOCK', 0, 'STREAMS', stream, lastId);
      for (const [id, fields] of reply?.[0]?.[1] ?? []) {
        const at = clock();
        lastId = id;
        // As the library's codec: the entry's `line` field, wherever it is, parsed.
        const lineAt = fields.indexOf('line');
        const event = lineAt % 2 === 0 ? JSON.parse(fields[lineAt + 1]) : undefined;
        if (typeof event?.seq !== 'number' || event.seq >= counts.length) {
          foreign++;
          continue;
        }
        received++;
        lastReceiptAt = at;
        counts[event.seq]++;
        if (event.seq >= warmCount) latencies.push(at - event.sent_at);
      }
    }
  })().catch((err) => {
    if (!stopped) readError = err;
  });
  const { child: aChild, a } = forkInstanceA('raw', redisUrl, stream, tasks);
  try {
    await a.wait('ready', 30_000);
    warmCount = rate * warmup;
    const timed = await timedWindow(a, { rate, warmup, seconds });
    const total = counts.length;
    const doneAt = clock();
    while (received < total && clock() - Math.max(lastReceiptAt, doneAt) < 2000) {
      await new Promise((r) => setTimeout(r, 20));
    }
    if (readError) throw readError;
    let missing = 0;
    let duplicates = 0;
    for (const n of counts) {
      if (n === 0) missing++;
      else duplicates += n - 1;
    }
    return {
      ...timed,
      expectedDeliveries: total,
      deliveries: received,
      missing,
      duplicates,
      misrouted: 0,
      foreignEntries: foreign,
      ...latencySummary(latencies),
      clientClockOffsetMs: clockOffsetMs(),
    };
  } finally {
    stopped = true;
    reader.disconnect();
    await readLoop;
    await exited(aChild);
  }
}

runMain(async () => {
  const [mode, redisUrl, keyPrefix, ...rest] = process.argv.slice(2);
  const numbers = rest.map(Number);
  if (mode !== 'library' && mode !== 'floor') throw new Error(`unknown mode ${mode}`);
  const stream = `${keyPrefix}:${process.pid}`;
  const admin = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0 });
  await admin.connect();
  // A stream key nobody uses, so that no reader starts behind other entries.
  if ((await admin.exists(stream)) !== 0) throw new Error(`stream key ${stream} already exists`);
  const loadAverage = os.loadavg()[0];
  try {
    const result =
      mode === 'library'
        ? await library(redisUrl, stream, numbers)
        : await floor(redisUrl, stream, numbers);
    const streamLength = await admin.xlen(stream);
    report({ mode, stream, streamLength, loadAverage, ...result });
  } finally {
    await admin.del(stream).catch(() => undefined);
    admin.disconnect();
  }
});
