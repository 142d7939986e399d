'use strict';
/**
 * The client process of figure 9, forked by children/sse-stalled.js (plain Node: no ts-node, no
 * profiler). Driven over IPC:
 *   { type: 'open', port, path, clients }  open `clients` SSE streams on raw TCP sockets; each, once
 *     its status line and headers are in, is paused and never read again (the socket stops reading
 *     from the kernel once Node's 16 KiB read buffer is full, so the kernel's buffers fill and the
 *     server's writes back up); answer 'connected';
 *   { type: 'probe', port, path, everyMs }  from now on, two probers, each `GET path` every `everyMs`
 *     ms whether or not its previous probe answered, half a period apart: 'fresh' opens a new
 *     connection per probe (as a Kubernetes or load-balancer probe does), 'kept' sends on one of
 *     KEPT_SOCKETS keep-alive connections opened beforehand (no accept() on the server's side);
 *     answer 'probing' once both are warm;
 *   { type: 'finish', fromMs, toMs }  stop probing; answer 'result' with the latencies of each
 *     prober's probes sent in [fromMs, toMs] (hrtime milliseconds: CLOCK_MONOTONIC, the same in
 *     every process), once each answered or timed out;
 *   { type: 'exit' }.
 */
const net = require('node:net');
const http = require('node:http');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { latencySummary } = require('../lib/stats');

/** A probe that has not answered after this long is given up and counted as failed. */
const PROBE_TIMEOUT_MS = 10_000;

const { nowMs, probeHealth } = require('./health-probe');
const send = (msg) => process.send(msg);
process.on('disconnect', () => process.exit(0));

const sockets = [];
/** Errors on stalled sockets after they were open (a reset from a server that cut them). */
let stalledErrors = 0;

/** Opens one stream, reads its status line and headers, then stops reading for good. */
function openStalled(port, path) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    sockets.push(socket);
    let head = '';
    let settled = false;
    const settle = (outcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const onData = (chunk) => {
      head += chunk;
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      socket.pause();
      const status = Number(head.slice(9, 12));
      settle(status === 200 ? { ok: true } : { ok: false, error: `HTTP ${status}` });
    };
    socket.setEncoding('latin1');
    socket.on('data', onData);
    socket.on('error', (err) => {
      if (settled) stalledErrors++;
      settle({ ok: false, error: err.message });
    });
    socket.on('close', () => settle({ ok: false, error: 'closed before the headers' }));
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n` +
        'Accept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\n\r\n',
    );
  });
}

async function open({ port, path, clients }) {
  const t0 = nowMs();
  const outcomes = await Promise.all(
    Array.from({ length: clients }, () => openStalled(port, path)),
  );
  const failed = outcomes.filter((o) => !o.ok);
  return {
    clients,
    failed: failed.length,
    firstErrors: failed.slice(0, 3).map((o) => o.error),
    connectMs: nowMs() - t0,
  };
}

/** Keep-alive connections of the 'kept' prober: enough for 2 s of unanswered probes at 50 ms. */
const KEPT_SOCKETS = 40;
const probers = {
  fresh: { agent: false, probes: [] },
  // fifo: every connection is used in turn, so none idles past the server's keep-alive timeout (5 s).
  kept: {
    agent: new http.Agent({ keepAlive: true, maxSockets: Infinity, scheduling: 'fifo' }),
    probes: [],
  },
};
const timers = [];
const loop = monitorEventLoopDelay({ resolution: 5 });

/** One health request; fills in `latencyMs` (and `error`) when it settles. */
function probe(prober, port, path) {
  const record = { sentMs: nowMs(), latencyMs: undefined, error: undefined, rss: undefined };
  prober.probes.push(record);
  return probeHealth({
    port,
    path,
    agent: prober.agent,
    timeoutMs: PROBE_TIMEOUT_MS,
    record,
    check: (json) => {
      record.rss = json.memory.rss;
      return undefined;
    },
  });
}

const answered = (prober) => prober.probes.filter((p) => p.latencyMs !== undefined).length;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function startProbing({ port, path, everyMs }) {
  // The kept prober's connections, all open and idle in its agent before the first timed probe.
  await Promise.all(Array.from({ length: KEPT_SOCKETS }, () => probe(probers.kept, port, path)));
  probers.kept.probes.length = 0;
  timers.push(setInterval(() => probe(probers.fresh, port, path), everyMs));
  await sleep(everyMs / 2);
  timers.push(setInterval(() => probe(probers.kept, port, path), everyMs));
  while (answered(probers.fresh) < 10 || answered(probers.kept) < 10) await sleep(10);
  loop.enable();
}

/** What a prober saw over [fromMs, toMs], once every probe sent then has answered or timed out. */
async function summary(prober, fromMs, toMs) {
  const inWindow = prober.probes.filter((p) => p.sentMs >= fromMs && p.sentMs <= toMs);
  while (inWindow.some((p) => p.latencyMs === undefined)) await sleep(10);
  const before = prober.probes.filter((p) => p.sentMs < fromMs && p.latencyMs !== undefined);
  const failed = inWindow.filter((p) => p.error);
  const rss = inWindow.map((p) => p.rss).filter(Number.isFinite);
  return {
    probes: inWindow.length,
    probesFailed: failed.length,
    probeErrors: [...new Set(failed.map((p) => p.error))].slice(0, 3),
    ...latencySummary(inWindow.map((p) => p.latencyMs)),
    // The health route before the burst (warm, streams idle): what a probe costs at rest.
    idleP50Ms: latencySummary(before.slice(-20).map((p) => p.latencyMs)).p50Ms,
    // The largest RSS a probe was told, in bytes: a cross-check of the server's own sampling.
    maxRss: rss.length ? Math.max(...rss) : undefined,
    // Latencies in send order, for the raw JSON: where in the window the slow ones were.
    latenciesMs: inWindow.map((p) => Math.round(p.latencyMs * 10) / 10),
    sentOffsetsMs: inWindow.map((p) => Math.round(p.sentMs - fromMs)),
  };
}

async function finish({ fromMs, toMs }) {
  for (const t of timers) clearInterval(t);
  loop.disable();
  return {
    fresh: await summary(probers.fresh, fromMs, toMs),
    kept: await summary(probers.kept, fromMs, toMs),
    keptSockets: KEPT_SOCKETS,
    stalledErrors,
    clientLoopMaxMs: loop.max / 1e6,
  };
}

process.on('message', async (msg) => {
  try {
    if (msg.type === 'open') send({ type: 'connected', ...(await open(msg)) });
    else if (msg.type === 'probe') {
      await startProbing(msg);
      send({ type: 'probing' });
    } else if (msg.type === 'finish') send({ type: 'result', ...(await finish(msg)) });
    else if (msg.type === 'exit') {
      for (const s of sockets) s.destroy();
      process.exit(0);
    }
  } catch (err) {
    send({ type: 'error', message: err && err.stack ? err.stack : String(err) });
  }
});
