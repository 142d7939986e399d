'use strict';
/**
 * Figure 9 child: one SSE server (the library, plain node:http or Nest's @Sse(), children/sse/*.js)
 * in this process; its stalled clients and a health prober in another (children/sse-stalled-clients.js,
 * forked without ts-node or any profiler flag), so that this process is the one measured.
 *
 * usage: sse-stalled.js <server> <clients> <events> <chunk> <probeEveryMs> <tailMs>
 *   <clients> unfiltered streams opened, each paused by its client once its headers are in; a health
 *   probe every <probeEveryMs> ms; RSS at idle (after two full GCs); then <events> events logged as
 *   fast as possible, yielding to the event loop (`setImmediate`) after every <chunk>; RSS sampled
 *   every 20 ms and at every yield until <tailMs> after the last event was logged. Reports the peak
 *   RSS over idle, the probes sent in that window, the streams the server cut, and its CPU.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { fork } = require('node:child_process');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { freshDir, report, runMain, gcFunction, yieldToLoop } = require('./shared');
const { loadServer } = require('./sse');
const { messenger, eventInput } = require('./sse-server');

const CLIENT_SCRIPT = path.join(__dirname, 'sse-stalled-clients.js');
const SAMPLE_MS = 20;
// Logged before the clients connect, untimed: the logging path compiled and its file open, as in an
// app that has been running for a while.
const WARMUP_EVENTS = 1_000;
const TASKS = 100;

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const cpuMs = (since) => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
};

/**
 * Watches the server's stream responses from its `request` event (after the contender's own
 * listeners): how many opened, and when the server closed one (a cut, as clients never leave).
 */
function watchStreams(httpServer, streamPath) {
  const state = { opened: 0, closedAtMs: [], sockets: [], counting: true };
  httpServer.on('request', (req, res) => {
    if (req.url.split('?')[0] !== streamPath) return;
    state.opened++;
    state.sockets.push(res.socket);
    res.on('close', () => {
      if (state.counting) state.closedAtMs.push(nowMs());
    });
  });
  return state;
}

/** Peak of `process.memoryUsage()` fields over the samples taken. */
function memorySampler() {
  const peak = { rss: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  let samples = 0;
  const sample = () => {
    const m = process.memoryUsage();
    samples++;
    for (const key of Object.keys(peak)) if (m[key] > peak[key]) peak[key] = m[key];
  };
  let timer;
  return {
    sample,
    start() {
      sample();
      timer = setInterval(sample, SAMPLE_MS);
    },
    stop() {
      clearInterval(timer);
      sample();
      return { peak, samples };
    },
  };
}

runMain(async () => {
  const [name, ...rest] = process.argv.slice(2);
  const [clients, events, chunk, probeEveryMs, tailMs] = rest.map(Number);
  const gc = gcFunction();
  const dir = freshDir('orch-bench-stalled-');
  const contender = loadServer(name);
  const server = await contender.start({ dir });
  const streams = watchStreams(server.httpServer, server.path());
  const child = fork(CLIENT_SCRIPT, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [],
  });
  const client = messenger(child);
  const loadAverage = os.loadavg()[0];
  try {
    const inputs = Array.from({ length: WARMUP_EVENTS + events }, (_, seq) =>
      eventInput(seq, TASKS),
    );
    for (let i = 0; i < WARMUP_EVENTS; i++) {
      server.emit(inputs[i]);
      if ((i + 1) % chunk === 0) await yieldToLoop();
    }

    client.send({ type: 'open', port: server.port, path: server.path(), clients });
    const connected = await client.wait('connected');
    if (connected.failed > 0) {
      throw new Error(`${connected.failed} streams failed to open: ${connected.firstErrors}`);
    }
    client.send({
      type: 'probe',
      port: server.port,
      path: server.healthPath,
      everyMs: probeEveryMs,
    });
    await client.wait('probing');

    // Idle: the clients connected and stalled, the health route warm, the heap settled.
    await new Promise((r) => setTimeout(r, 300));
    gc();
    gc();
    const idle = process.memoryUsage();
    const openedBefore = streams.opened;

    const sampler = memorySampler();
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    sampler.start();
    const cpu0 = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (let i = 0; i < events; i++) {
      server.emit(inputs[WARMUP_EVENTS + i]);
      if ((i + 1) % chunk === 0) {
        sampler.sample();
        await yieldToLoop();
      }
    }
    const written = process.hrtime.bigint();
    const burstCpuMs = cpuMs(cpu0);
    await new Promise((r) => setTimeout(r, tailMs));
    const end = process.hrtime.bigint();
    const windowCpuMs = cpuMs(cpu0);
    const { peak, samples } = sampler.stop();
    loop.disable();
    streams.counting = false;
    const after = process.memoryUsage();

    const startMs = Number(start) / 1e6;
    const writtenMs = Number(written) / 1e6;
    client.send({ type: 'finish', fromMs: startMs, toMs: Number(end) / 1e6 });
    const probes = await client.wait('result', 30_000);
    const cutAt = streams.closedAtMs.map((t) => t - startMs).sort((a, b) => a - b);
    const MB = 1e6;
    report({
      server: contender.name,
      clients,
      events,
      chunk,
      probeEveryMs,
      tailMs,
      loadAverage,
      connect: connected,
      streamsOpened: openedBefore,
      idleRssMB: idle.rss / MB,
      idleHeapUsedMB: idle.heapUsed / MB,
      peakRssMB: peak.rss / MB,
      rssGrowthMB: (peak.rss - idle.rss) / MB,
      heapUsedGrowthMB: (peak.heapUsed - idle.heapUsed) / MB,
      externalGrowthMB: (peak.external - idle.external) / MB,
      afterRssMB: after.rss / MB,
      memorySamples: samples,
      burstMs: Number(written - start) / 1e6,
      burstCpuMs,
      windowCpuMs,
      serverLoopMaxMs: loop.max / 1e6,
      cut: cutAt.length,
      firstCutMs: cutAt[0],
      lastCutMs: cutAt[cutAt.length - 1],
      // What the server had taken for each stream's socket (kernel and Node's buffer), median.
      socketBytesWrittenMB:
        streams.sockets.map((s) => s.bytesWritten).sort((a, b) => a - b)[
          streams.sockets.length >> 1
        ] / MB,
      writtenAtMs: writtenMs - startMs,
      ...probes,
      // In hrtime microseconds, the clock of --cpu-prof samples: lets a profile keep this part only.
      window: { startUs: Number(start / 1000n), endUs: Number(end / 1000n) },
    });
    client.send({ type: 'exit' });
    await new Promise((resolve) =>
      child.exitCode !== null ? resolve() : child.once('exit', resolve),
    );
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.race([server.close(), new Promise((r) => setTimeout(r, 250))]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
