'use strict';
/**
 * Figure 6 client process, forked by children/history-server.js (plain Node, no ts-node, no
 * profiler): times history queries against the running demo app over HTTP, the same search done by
 * ripgrep, grep and a Node loop over the same files, and a burst of 100 scanning queries while an
 * SSE stream and a health probe run. Answers the parent with { type: 'result', result }.
 */
const fs = require('node:fs');
const http = require('node:http');
const { spawn, execFileSync } = require('node:child_process');
const { performance } = require('node:perf_hooks');
const { openStream, clock } = require('./sse/stream-client');

/**
 * What a run does, figure 6's by default: repeats of (a), (b), (c); the command-line tools for (b)
 * (`tools` times each, 0: none); the Node loop (`nodeLoop` times, 0: none); (d) with `burst`
 * queries at once (0: no (d)); `after` repeats of each `after=` cursor query (0: none; figure 13).
 * The parent may override any of them (figure 13, --quick).
 */
const PLAN = { a: 20, b: 5, c: 3, tools: 5, nodeLoop: 1, burst: 100, after: 0 };
const PING_EVERY_MS = 10;
// 100 steps of 200 ms: the job outlasts the burst (10-20 s here), one event every 200 ms meanwhile.
const JOB = { steps: 100, step_ms: 200 };

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const pingAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
let port;

/** One request over a keep-alive connection; resolves with status, parsed body and the time taken. */
function request(path, { method = 'GET', body, via = agent } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        agent: via,
        headers: body ? { 'Content-Type': 'application/json' } : {},
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const ms = performance.now() - t0;
          const text = Buffer.concat(chunks).toString('utf8');
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, json, bytes: text.length, ms });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

const EVENTS = '/api/v1/orchestrator/events';

/** A query that must answer 200 with `expect` events (and has_more false when given). */
async function query(params, expect) {
  const res = await request(`${EVENTS}?${new URLSearchParams(params)}`);
  if (res.status !== 200 || !res.json) {
    throw new Error(`${EVENTS}?${new URLSearchParams(params)}: HTTP ${res.status}`);
  }
  const count = res.json.events.length;
  if (expect !== undefined && count !== expect) {
    throw new Error(`${new URLSearchParams(params)}: ${count} events, expected ${expect}`);
  }
  return { ms: res.ms, count, hasMore: res.json.has_more };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length))) - 1];
}

async function repeat(times, fn) {
  const samples = [];
  let last;
  for (let i = 0; i < times; i++) {
    last = await fn();
    samples.push(last.ms);
  }
  return { medianMs: median(samples), samples, last };
}

/** Runs a command to its end; the time includes starting the process, as a user at a shell pays. */
function timeCommand(cmd, args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    let stderr = '';
    child.stdout.on('data', (d) => {
      for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) lines++;
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${cmd} exited with ${code}: ${stderr.trim()}`));
      else resolve({ ms: performance.now() - t0, count: lines });
    });
  });
}

/** The obvious Node program: read each file, JSON.parse every line, keep the task's events. */
function nodeLoop(files, taskId) {
  const t0 = performance.now();
  let count = 0;
  for (const file of files) {
    const buf = fs.readFileSync(file);
    let start = 0;
    for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, start)) {
      if (nl > start && JSON.parse(buf.toString('utf8', start, nl)).task_id === taskId) count++;
      start = nl + 1;
    }
  }
  return { ms: performance.now() - t0, count };
}

function which(cmd) {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

function version(cmd) {
  try {
    return execFileSync(cmd, ['--version'], { encoding: 'utf8' }).split('\n')[0].trim();
  } catch {
    return undefined;
  }
}

async function optionalTool(cmd, args, times) {
  if (!which(cmd)) return { error: `${cmd} not found` };
  try {
    const r = await repeat(times, () => timeCommand(cmd, args));
    return { medianMs: r.medianMs, samples: r.samples, count: r.last.count, version: version(cmd) };
  } catch (err) {
    return { error: err.message };
  }
}

/** Microsecond ISO timestamp of the library (`...T04:36:12.217003Z`) as epoch milliseconds. */
function timestampMs(ts) {
  return Date.parse(`${ts.slice(0, 23)}Z`) + Number(ts.slice(23, 26)) / 1000;
}

const parentReply = (type) =>
  new Promise((resolve) => {
    const on = (msg) => {
      if (msg.type === type) {
        process.off('message', on);
        resolve();
      }
    };
    process.on('message', on);
  });

async function burst(facts, runTag, queries) {
  const taskId = `task-live-${runTag}`;
  const received = [];
  let resolveStarted;
  const started = new Promise((r) => (resolveStarted = r));
  const stream = openStream({
    port,
    path: `${EVENTS}/stream?task_id=${taskId}`,
    onFrame: (frame) => {
      if (frame.data === undefined || frame.event !== undefined) return;
      const at = clock();
      const event = JSON.parse(frame.data);
      received.push({ at, event });
      if (event.event === 'job_step') resolveStarted();
    },
    onError: (err) => process.send({ type: 'error', message: `SSE: ${err.message}` }),
  });
  // The stream is subscribed once its first frame came; a moment is enough on a local socket.
  await new Promise((r) => setTimeout(r, 200));
  const job = await request('/api/v1/jobs', { method: 'POST', body: { ...JOB, task_id: taskId } });
  if (job.status < 200 || job.status > 299)
    throw new Error(`POST /api/v1/jobs: HTTP ${job.status}`);
  await started;

  const pings = [];
  let pinging = true;
  const pinger = (async () => {
    while (pinging) {
      const t = performance.now();
      const res = await request('/api/v1/health', { via: pingAgent });
      pings.push({ at: clock(), ms: res.ms });
      const wait = PING_EVERY_MS - (performance.now() - t);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();

  process.send({ type: 'loop-start' });
  await parentReply('loop-started');
  const t0 = clock();
  const p0 = performance.now();
  const results = await Promise.all(
    Array.from({ length: queries }, () =>
      query({ event: facts.rareEvent, limit: '1000' }, facts.rareEventCount),
    ),
  );
  const burstMs = performance.now() - p0;
  const t1 = clock();
  process.send({ type: 'loop-stop', phase: 'burst' });
  await parentReply('loop-stopped');
  pinging = false;
  await pinger;
  await new Promise((r) => setTimeout(r, 2 * JOB.step_ms));
  stream.close();

  // What the stream got while the burst ran: events logged during it, in order, none missing.
  const steps = received.filter((r) => r.event.event === 'job_step').map((r) => r.event.step);
  const lastStep = steps.length ? steps[steps.length - 1] : 0;
  const missingSteps = lastStep - new Set(steps).size;
  const during = received.filter((r) => timestampMs(r.event.timestamp) >= t0 && r.at <= t1 + 1);
  const arrivals = [t0, ...received.filter((r) => r.at >= t0 && r.at <= t1).map((r) => r.at), t1];
  let maxGapMs = 0;
  for (let i = 1; i < arrivals.length; i++)
    maxGapMs = Math.max(maxGapMs, arrivals[i] - arrivals[i - 1]);
  const deliveries = received
    .filter((r) => r.at >= t0 && r.at <= t1)
    .map((r) => r.at - timestampMs(r.event.timestamp));
  const pingsDuring = pings.filter((p) => p.at >= t0 && p.at <= t1 + 50).map((p) => p.ms);
  return {
    queries,
    burstMs,
    queryMedianMs: median(results.map((r) => r.ms)),
    queryMaxMs: Math.max(...results.map((r) => r.ms)),
    jobStepMs: JOB.step_ms,
    jobEndedDuringBurst: received.some((r) => r.event.event === 'job_completed' && r.at <= t1),
    sse: {
      loggedAndReceivedDuringBurst: during.length,
      receivedDuringBurst: deliveries.length,
      missingSteps,
      stepsReceived: steps.length,
      maxGapMs,
      maxDeliveryMs: deliveries.length ? Math.max(...deliveries) : undefined,
      medianDeliveryMs: deliveries.length ? median(deliveries) : undefined,
    },
    health: {
      pings: pingsDuring.length,
      maxMs: pingsDuring.length ? Math.max(...pingsDuring) : undefined,
      p99Ms: pingsDuring.length ? percentile(pingsDuring, 99) : undefined,
    },
  };
}

/** The event id of the first line starting at or after byte `offset` of a file. */
function idAt(fd, offset) {
  const buf = Buffer.alloc(256 * 1024);
  const n = fs.readSync(fd, buf, 0, buf.length, offset);
  const data = buf.subarray(0, n);
  const start = offset === 0 ? 0 : data.indexOf(10) + 1;
  const line = data.toString('utf8', start, data.indexOf(10, start));
  return JSON.parse(line).event_id;
}

/**
 * `after=<id>&limit=1000` with the cursor at the start, the middle and near the end (2,000 lines
 * before it) of the newest backup, a full file (the current one may have rotated under the app's
 * own events): what paging forward or an SSE resume pays to find its cursor. The counts are kept,
 * not checked: at --quick sizes a file holds fewer than 1,000 events.
 */
async function cursorQueries(file, times) {
  const fd = fs.openSync(file, 'r');
  const size = fs.fstatSync(fd).size;
  const probe = Buffer.alloc(Math.min(size, 4 * 1024 * 1024));
  fs.readSync(fd, probe, 0, probe.length, size - probe.length);
  let endOffset = size - probe.length;
  for (let at = probe.length - 1, lines = 0; at > 0; at--) {
    if (probe[at - 1] === 10 && ++lines === 2000) {
      endOffset = size - probe.length + at;
      break;
    }
  }
  const cursors = {
    start: idAt(fd, 0),
    middle: idAt(fd, Math.floor(size / 2)),
    end: idAt(fd, endOffset),
  };
  fs.closeSync(fd);
  const out = {};
  for (const [where, after] of Object.entries(cursors)) {
    await query({ after, limit: '1000' }); // untimed warm-up
    const r = await repeat(times, () => query({ after, limit: '1000' }));
    out[where] = { after, medianMs: r.medianMs, samples: r.samples, count: r.last.count };
  }
  return out;
}

async function run({ port: p, logFile, facts, listenedAt, plan: given }) {
  port = p;
  const plan = { ...PLAN, ...given };
  const files = facts.files.map((f) =>
    f.name === 'orch.log' ? logFile : `${logFile}.${f.name.split('.').pop()}`,
  );
  const bytes = files.reduce((s, f) => s + fs.statSync(f).size, 0);
  const taskNeedle = `"task_id":"${facts.rareTask}"`;
  process.send({ type: 'start' });

  // The first request after the start, for the record: (b) on a fresh app, which may still be
  // building what it builds at start (lazy compilation, any index of the files).
  const firstAt = clock() - listenedAt;
  const first = await query({ task_id: facts.rareTask, limit: '1000' }, facts.rareTaskCount);

  // Untimed warm-up: the first request of each kind pays for lazy compilation in the app.
  await query({ task_id: facts.commonTask, limit: '100' }, 100);
  await query({ task_id: facts.commonTask, limit: '100' }, 100);
  await query({ event: facts.rareEvent, limit: '1000' }, facts.rareEventCount);

  const a = await repeat(plan.a, () => query({ task_id: facts.commonTask, limit: '100' }, 100));
  const b = await repeat(plan.b, () =>
    query({ task_id: facts.rareTask, limit: '1000' }, facts.rareTaskCount),
  );
  const skipped = { error: 'not run (plan)' };
  const rg = plan.tools
    ? await optionalTool('rg', ['-F', '--no-filename', taskNeedle, ...files], plan.tools)
    : skipped;
  const grep = plan.tools
    ? await optionalTool('grep', ['-F', '-h', taskNeedle, ...files], plan.tools)
    : skipped;
  const node = plan.nodeLoop
    ? await repeat(plan.nodeLoop, async () => nodeLoop(files, facts.rareTask))
    : { medianMs: undefined, samples: [], last: { count: undefined } };
  const c = await repeat(plan.c, () =>
    query({ event: facts.rareEvent, limit: '1000' }, facts.rareEventCount),
  );
  const d = plan.burst ? await burst(facts, `${process.pid}`, plan.burst) : undefined;
  const after = plan.after ? await cursorQueries(`${logFile}.1`, plan.after) : undefined;
  process.send({ type: 'end' });

  return {
    plan,
    bytes,
    files: files.length,
    locale: process.env.LC_ALL || process.env.LANG || '(unset)',
    a: {
      medianMs: a.medianMs,
      p95Ms: percentile(a.samples, 95),
      maxMs: Math.max(...a.samples),
      samples: a.samples,
    },
    b: {
      medianMs: b.medianMs,
      samples: b.samples,
      count: b.last.count,
      firstMs: first.ms,
      firstSentMsAfterListening: firstAt,
      rg,
      grep,
      node: { medianMs: node.medianMs, samples: node.samples, count: node.last.count },
    },
    c: {
      medianMs: c.medianMs,
      samples: c.samples,
      count: c.last.count,
      gbPerS: bytes / 1e9 / (c.medianMs / 1000),
    },
    d,
    after,
  };
}

process.on('disconnect', () => process.exit(0));
process.on('message', (msg) => {
  if (msg.type !== 'run') return;
  run(msg).then(
    (result) => {
      process.send({ type: 'result', result });
    },
    (err) => process.send({ type: 'error', message: err && err.stack ? err.stack : String(err) }),
  );
});
