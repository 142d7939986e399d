'use strict';
/**
 * The client process of figure 10, forked by children/half-open.js (plain Node: no ts-node, no
 * profiler). Driven over IPC by one message:
 *   { type: 'run', port, serverPid, healthPath, sockets, batch, probeEveryMs, windowMs, waitMs,
 *     closeGoalMs }
 * It warms the health route up (20 probes, one after the other), reads the server's open file
 * descriptors (`/proc/<serverPid>/fd`: before), starts a prober (`GET healthPath` every
 * `probeEveryMs` ms on a new connection each, whether or not the previous one answered), and after
 * 500 ms opens `sockets` raw TCP sockets in batches of `batch`: every other one sends nothing at all
 * (silent), the others a request line and one header and never the blank line that ends the headers
 * (partial). A batch is opened once every socket of the one before is connected and the server has
 * accepted it (its descriptor count has grown by as much), so that the listen queue (511) never
 * overflows. Once the last is open (fds: peak), it waits until the server has closed every socket
 * (and the probe window of `windowMs` has passed) or `waitMs`, whichever comes first (fds: after).
 * Answers 'start' when the first batch is opened, 'end' when the wait is over, then 'result': the
 * probes sent from the first batch to `windowMs` after the last socket opened, and when each socket
 * was closed by the server (its FIN or a reset; the client's sockets allow half-open connections, so
 * they never answer a FIN with their own). The client never closes a socket before its result is sent.
 */
const fs = require('node:fs');
const net = require('node:net');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { latencySummary, percentile } = require('../lib/stats');

/** A probe that has not answered after this long is given up and counted as failed. */
const PROBE_TIMEOUT_MS = 10_000;
/** How long to wait for the server to accept a batch before opening the next one anyway. */
const ACCEPT_WAIT_MS = 3_000;
/** The server's own descriptors may move by a few (a probe's socket, a log file): slack for that. */
const FD_SLACK = 16;
const FD_SAMPLE_MS = 250;
/** Probes sent while at least this many half-open sockets were open are counted apart. */
const MANY_OPEN = 1_000;

const { nowMs, probeHealth } = require('./health-probe');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const send = (msg) => process.send(msg);
process.on('disconnect', () => process.exit(0));

const sockets = [];
const records = [];
let closing = false;
let connected = 0;
let closedByServer = 0;
const openNow = () => connected - closedByServer;

/** Open descriptors of the server process, or undefined where /proc cannot tell. */
function fdsOf(pid) {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

/**
 * Opens one socket; resolves true once connected (a partial one has then sent its bytes), false if
 * it failed. Its record gets `closedMs` when the server closes it (FIN or reset) before we do.
 */
function openOne(port, partial, index) {
  return new Promise((resolve) => {
    const rec = { partial, connectMs: undefined, closedMs: undefined, firstBytes: '' };
    records.push(rec);
    // allowHalfOpen: the server's FIN is not answered with ours, as a client that holds sockets on
    // purpose would not; the server's descriptor count then shows whether it really let go.
    const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    sockets.push(socket);
    const closed = () => {
      if (closing || rec.connectMs === undefined || rec.closedMs !== undefined) return;
      rec.closedMs = nowMs();
      closedByServer++;
    };
    socket.on('connect', () => {
      rec.connectMs = nowMs();
      connected++;
      if (partial) {
        socket.write(
          `GET /half-open/${index} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`, // no blank line: never ends
        );
      }
      resolve(true);
    });
    // What the server said before closing, if anything (Node answers a headers timeout with a 408).
    socket.on('data', (d) => {
      if (rec.firstBytes.length < 12) rec.firstBytes += d.toString('latin1', 0, 12);
    });
    socket.on('end', closed);
    socket.on('close', closed);
    socket.on('error', (err) => {
      if (rec.connectMs === undefined) {
        rec.error = err.message;
        resolve(false);
      } else closed();
    });
  });
}

/** One health request on a new connection; `latencyMs` (and `error`) filled in when it settles. */
function probe(list, port, path) {
  const record = { sentMs: nowMs(), openAtSend: openNow(), latencyMs: undefined, error: undefined };
  list.push(record);
  return probeHealth({
    port,
    path,
    agent: false,
    timeoutMs: PROBE_TIMEOUT_MS,
    record,
    check: (json) =>
      json.status !== 'ok' || json.memory === undefined ? 'not the full health body' : undefined,
  });
}

async function run(msg) {
  const { port, serverPid, healthPath, sockets: total, batch, probeEveryMs } = msg;
  const { windowMs, waitMs, closeGoalMs } = msg;
  const warm = [];
  for (let i = 0; i < 20; i++) await probe(warm, port, healthPath);
  if (warm.some((p) => p.error))
    throw new Error(`health route: ${warm.find((p) => p.error).error}`);
  await sleep(200);
  const fdsBefore = fdsOf(serverPid);

  const probes = [];
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const prober = setInterval(() => probe(probes, port, healthPath), probeEveryMs);
  await sleep(500);

  const fdSamples = [];
  const windowStartMs = nowMs();
  send({ type: 'start' });
  const sampler = setInterval(() => {
    fdSamples.push([Math.round(nowMs() - windowStartMs), fdsOf(serverPid)]);
  }, FD_SAMPLE_MS);
  let connectFailed = 0;
  let acceptWaitMaxMs = 0;
  let batchesNotAccepted = 0;
  const errors = new Set();
  for (let from = 0; from < total; from += batch) {
    const pending = [];
    for (let i = from; i < Math.min(total, from + batch); i++) {
      pending.push(openOne(port, i % 2 === 1, i));
    }
    const outcomes = await Promise.all(pending);
    connectFailed += outcomes.filter((o) => !o).length;
    for (const r of records.slice(from)) if (r.error) errors.add(r.error);
    // Accepted: the server holds a descriptor for each socket still open on our side.
    const t0 = nowMs();
    let accepted = fdsBefore === undefined;
    while (!accepted && nowMs() - t0 < ACCEPT_WAIT_MS) {
      const fds = fdsOf(serverPid);
      accepted = fds === undefined || fds >= fdsBefore + openNow() - FD_SLACK;
      if (!accepted) await sleep(5);
    }
    if (fdsBefore === undefined) await sleep(100);
    if (!accepted) batchesNotAccepted++;
    acceptWaitMaxMs = Math.max(acceptWaitMaxMs, nowMs() - t0);
  }
  const lastOpenedMs = nowMs();
  const fdsPeak = fdsOf(serverPid);
  const openAtPeak = openNow();

  const windowEndMs = lastOpenedMs + windowMs;
  while (nowMs() < lastOpenedMs + waitMs && (closedByServer < connected || nowMs() < windowEndMs)) {
    await sleep(20);
  }
  const waitedMs = nowMs() - lastOpenedMs;
  const fdsAfter = fdsOf(serverPid);
  const stillOpen = openNow();
  clearInterval(sampler);
  clearInterval(prober);
  send({ type: 'end' });
  loop.disable();

  // The window's probes, once each has answered or timed out.
  const inWindow = probes.filter((p) => p.sentMs >= windowStartMs && p.sentMs <= windowEndMs);
  while (inWindow.some((p) => p.latencyMs === undefined)) await sleep(10);
  const failed = inWindow.filter((p) => p.error);
  const many = inWindow.filter((p) => p.openAtSend >= MANY_OPEN);
  const idle = probes.filter((p) => p.sentMs < windowStartMs && p.latencyMs !== undefined);

  const live = records.filter((r) => r.connectMs !== undefined);
  const closed = live.filter((r) => r.closedMs !== undefined);
  const lifetimes = Float64Array.from(closed.map((r) => r.closedMs - r.connectMs)).sort();
  const lastClosedMs = closed.reduce((m, r) => Math.max(m, r.closedMs), -Infinity);
  const kind = (partial) => {
    const all = live.filter((r) => r.partial === partial);
    const shut = all.filter((r) => r.closedMs !== undefined);
    return {
      opened: all.length,
      closed: shut.length,
      closedWithinGoal: shut.filter((r) => r.closedMs - r.connectMs <= closeGoalMs).length,
      answered408: shut.filter((r) => r.firstBytes.startsWith('HTTP/1.1 408')).length,
    };
  };
  const result = {
    sockets: total,
    batch,
    opened: live.length,
    connectFailed,
    connectErrors: [...errors].slice(0, 3),
    openMs: lastOpenedMs - windowStartMs,
    acceptWaitMaxMs,
    batchesNotAccepted,
    openAtPeak,
    closed: closed.length,
    closedWithinGoal: closed.filter((r) => r.closedMs - r.connectMs <= closeGoalMs).length,
    closeGoalMs,
    stillOpen,
    waitedMs,
    // Seconds from the last socket opened to the last one closed; undefined unless all were closed.
    allClosedAfterMs: stillOpen === 0 && closed.length ? lastClosedMs - lastOpenedMs : undefined,
    lifetimeP50Ms: percentile(lifetimes, 50),
    lifetimeMaxMs: lifetimes.length ? lifetimes[lifetimes.length - 1] : undefined,
    silent: kind(false),
    partial: kind(true),
    fds: { before: fdsBefore, peak: fdsPeak, after: fdsAfter },
    fdSamples,
    probes: {
      probes: inWindow.length,
      probesFailed: failed.length,
      probeErrors: [...new Set(failed.map((p) => p.error))].slice(0, 3),
      ...latencySummary(inWindow.map((p) => p.latencyMs)),
      manyOpenAt: MANY_OPEN,
      probesManyOpen: many.length,
      maxManyOpenMs: many.length ? Math.max(...many.map((p) => p.latencyMs)) : undefined,
      idleP50Ms: latencySummary(idle.slice(-8).map((p) => p.latencyMs)).p50Ms,
      // In send order, for the raw JSON: where in the window the slow ones were.
      latenciesMs: inWindow.map((p) => Math.round(p.latencyMs * 10) / 10),
      sentOffsetsMs: inWindow.map((p) => Math.round(p.sentMs - windowStartMs)),
      openAtSend: inWindow.map((p) => p.openAtSend),
    },
    windowMs,
    waitMs,
    clientLoopMaxMs: loop.max / 1e6,
  };
  closing = true;
  for (const s of sockets) s.destroy();
  return result;
}

process.on('message', async (msg) => {
  try {
    if (msg.type === 'run') send({ type: 'result', result: await run(msg) });
    else if (msg.type === 'exit') process.exit(0);
  } catch (err) {
    send({ type: 'error', message: err && err.stack ? err.stack : String(err) });
  }
});
