'use strict';
/**
 * The client process of figures 3 and 4, forked by children/sse-server.js (plain Node: no ts-node,
 * no profiler). Driven over IPC:
 *   { type: 'warm', port, clients, paths }  open and close a few streams, answer 'warmed';
 *   { type: 'open', port, clients, paths }  open `clients` streams at once, client i on
 *     paths[i % paths.length] (its task is i % paths.length); answer 'connected' once every one has
 *     its first bytes: the burst from the first request to the last first frame;
 *   { type: 'finish', total, from, tasks }  events 0..total-1 were logged (task = seq % tasks);
 *     answer 'result': latency of events from `from` on, and per client what was missing or doubled;
 *   { type: 'exit' }.
 * Latency of an event = this process's `performance.timeOrigin + performance.now()` at receipt minus
 * the `sent_at` the server stamped the same way just before logging it.
 */
const { performance, monitorEventLoopDelay } = require('node:perf_hooks');
const { openStream, clock } = require('./sse/stream-client');
const { latencySummary } = require('../lib/stats');

const BATCH = 100;
const streams = [];
/** Per client: how many times each of its events (index seq / tasks) arrived. */
const counts = [];
const taskOf = [];
/** Task ids the clients are spread over: client i follows task i % tasks. */
let tasks = 1;
let misrouted = 0;
let framesWithoutSeq = 0;
let received = 0;
let lastReceiptAt = 0;
const latencies = [];
const latencySeqs = [];
/** Why streams failed to open (before their first bytes), and why open ones broke afterwards. */
const connectErrors = [];
const dropErrors = [];
let dropped = 0;

const send = (msg) => process.send(msg);
process.on('disconnect', () => process.exit(0));

function open(port, paths, count, onFrame) {
  return new Promise((resolve) => {
    const firstBytes = new Array(count);
    let pending = count;
    let failed = 0;
    const firstRequestAt = clock();
    const done = () => {
      if (--pending === 0) {
        const ok = firstBytes.filter(Number.isFinite);
        resolve({
          clients: count,
          failed,
          firstRequestAt,
          lastFirstBytesAt: Math.max(...ok),
          burstMs: Math.max(...ok) - firstRequestAt,
          firstErrors: connectErrors.slice(0, 3),
        });
      }
    };
    let i = 0;
    // Requests go out in batches of BATCH per event-loop turn, so that first frames are read as they
    // come instead of after the last request was written.
    const issue = () => {
      const end = Math.min(count, i + BATCH);
      for (; i < end; i++) {
        const index = i;
        let settled = false;
        const stream = openStream({
          port,
          path: paths[index % paths.length],
          onFirstBytes: (at) => {
            firstBytes[index] = at;
            if (!settled) {
              settled = true;
              done();
            }
          },
          onFrame: onFrame && ((frame) => onFrame(index, frame)),
          onError: (err) => {
            if (settled) {
              dropped++;
              if (dropErrors.length < 3) dropErrors.push(err.message);
              return;
            }
            if (connectErrors.length < 3) connectErrors.push(err.message);
            if (!settled) {
              settled = true;
              failed++;
              done();
            }
          },
        });
        streams.push(stream);
      }
      if (i < count) setImmediate(issue);
    };
    issue();
  });
}

function onEvent(client, frame) {
  // Heartbeats and resets have their own event type; `message` is the default type spelled out
  // (better-sse names every event so).
  if (frame.data === undefined || (frame.event !== undefined && frame.event !== 'message')) return;
  const at = clock();
  let event;
  try {
    event = JSON.parse(frame.data);
  } catch {
    framesWithoutSeq++;
    return;
  }
  if (typeof event.seq !== 'number') {
    framesWithoutSeq++;
    return;
  }
  received++;
  lastReceiptAt = at;
  if (event.seq % tasks !== taskOf[client]) {
    misrouted++;
    return;
  }
  const slot = (event.seq - taskOf[client]) / tasks;
  const c = counts[client];
  c[slot] = (c[slot] ?? 0) + 1;
  latencies.push(at - event.sent_at);
  latencySeqs.push(event.seq);
}

async function finish({ total, from }) {
  // Wait for the stragglers: until every delivery is in, or nothing came for 2 s.
  const expectedDeliveries = counts.length === 0 ? 0 : total * (counts.length / tasks);
  for (;;) {
    if (received >= expectedDeliveries) break;
    if (clock() - Math.max(lastReceiptAt, finishAt) > 2000) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  let missing = 0;
  let duplicates = 0;
  let clientsComplete = 0;
  for (let client = 0; client < counts.length; client++) {
    const task = taskOf[client];
    const expected = Math.floor((total - 1 - task) / tasks) + 1;
    let clientMissing = 0;
    for (let slot = 0; slot < expected; slot++) {
      const n = counts[client][slot] ?? 0;
      if (n === 0) clientMissing++;
      else if (n > 1) duplicates += n - 1;
    }
    missing += clientMissing;
    if (clientMissing === 0) clientsComplete++;
  }
  const timed = [];
  for (let i = 0; i < latencies.length; i++) if (latencySeqs[i] >= from) timed.push(latencies[i]);
  return {
    expectedDeliveries,
    deliveries: received,
    missing,
    duplicates,
    misrouted,
    framesWithoutSeq,
    clientsComplete,
    clientsTotal: counts.length,
    ...latencySummary(timed),
    droppedStreams: dropped,
    dropErrors,
    clientLoopMaxMs: loop.max / 1e6,
    clientClockOffsetMs:
      performance.timeOrigin + performance.now() - Number(process.hrtime.bigint()) / 1e6,
  };
}

let finishAt = 0;
const loop = monitorEventLoopDelay({ resolution: 5 });

process.on('message', async (msg) => {
  try {
    if (msg.type === 'warm') {
      const before = streams.length;
      await open(msg.port, msg.paths, msg.clients);
      for (const s of streams.splice(before)) s.close();
      await new Promise((r) => setTimeout(r, 300));
      send({ type: 'warmed' });
    } else if (msg.type === 'open') {
      tasks = msg.paths.length;
      for (let i = 0; i < msg.clients; i++) {
        counts.push([]);
        taskOf.push(i % tasks);
      }
      const connected = await open(msg.port, msg.paths, msg.clients, onEvent);
      // From here on (the events), stalls of this process's loop: they delay receipts too.
      loop.enable();
      send({ type: 'connected', ...connected });
    } else if (msg.type === 'finish') {
      finishAt = clock();
      loop.disable();
      send({ type: 'result', ...(await finish(msg)) });
    } else if (msg.type === 'exit') {
      for (const s of streams) s.close();
      process.exit(0);
    }
  } catch (err) {
    send({ type: 'error', message: err && err.stack ? err.stack : String(err) });
  }
});
