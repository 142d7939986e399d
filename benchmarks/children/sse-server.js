'use strict';
/**
 * Figures 3 and 4 child: one SSE server (the library, a plain node:http server or Nest's @Sse()) in
 * this process, its clients in another (children/sse-clients.js, forked without ts-node or any
 * profiler flag). This process is the one the harness starts, so `--cpu-prof` lands on the server.
 *
 * usage:
 *   sse-server.js <server> latency <clients> <tasks> <seconds> <rate> <warmupSeconds>
 *     clients each filtered to one of <tasks> task_ids; once all are connected, events are logged
 *     at <rate>/s spread over the task_ids, first <warmupSeconds> untimed, then <seconds> timed;
 *     each stamped `sent_at: performance.timeOrigin + performance.now()` just before it is logged.
 *   sse-server.js <server> connections <clients> <tasks>
 *     after a warm-up, <clients> idle streams opened in one burst; RSS before and after, each after
 *     a full GC.
 */
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const { fork, spawn } = require('node:child_process');
const { performance, monitorEventLoopDelay } = require('node:perf_hooks');
const { freshDir, report, runMain, gcFunction } = require('./shared');
const { loadServer } = require('./sse');
const { openFilesLimit } = require('./sse/stream-client');

const CLIENT_SCRIPT = path.join(__dirname, 'sse-clients.js');
const KINDS = [
  { event: 'job_step', status: 'running', message: 'Step done' },
  { event: 'task_started', status: 'running', message: 'Task started successfully' },
  { event: 'task_completed', status: 'success', message: 'Task completed successfully' },
  { event: 'job_failed', status: 'failed', message: 'Job failed: upstream timed out' },
];

/** Difference between this process's `sent_at` clock and CLOCK_MONOTONIC (the same in every process). */
function clockOffsetMs() {
  return performance.timeOrigin + performance.now() - Number(process.hrtime.bigint()) / 1e6;
}

/** Forks the client process; through `sh -c 'ulimit -n'` when it needs more descriptors than we have. */
function startClients(needFds) {
  const limit = openFilesLimit();
  const options = { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] };
  if (!limit || limit.soft >= needFds) {
    // execArgv [] : neither ts-node nor the profiler's flags (fork would pass ours on by default).
    return { child: fork(CLIENT_SCRIPT, [], { ...options, execArgv: [] }), fds: limit?.soft };
  }
  if (limit.hard < needFds) {
    throw new Error(`ulimit -n is ${limit.soft} (hard ${limit.hard}); ${needFds} are needed`);
  }
  const cmd = `ulimit -n ${needFds} && exec "$0" "$1"`;
  return {
    child: spawn('/bin/sh', ['-c', cmd, process.execPath, CLIENT_SCRIPT], options),
    fds: needFds,
  };
}

/** Messages from the client process, awaited by type. */
function messenger(child) {
  const waiting = new Map();
  const early = new Map();
  let failure;
  const fail = (err) => {
    failure = err;
    for (const { reject } of waiting.values()) reject(err);
    waiting.clear();
  };
  child.on('message', (msg) => {
    if (msg.type === 'error') return fail(new Error(`client: ${msg.message}`));
    const w = waiting.get(msg.type);
    if (w) {
      waiting.delete(msg.type);
      w.resolve(msg);
    } else early.set(msg.type, msg);
  });
  child.on('exit', (code, signal) => {
    if (waiting.size) fail(new Error(`client process exited (${signal ?? code})`));
  });
  return {
    send: (msg) => child.send(msg),
    wait: (type, timeoutMs = 120_000) =>
      new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        if (early.has(type)) {
          resolve(early.get(type));
          early.delete(type);
          return;
        }
        const timer = setTimeout(() => {
          waiting.delete(type);
          reject(new Error(`no '${type}' from the client process in ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(type, {
          resolve: (m) => (clearTimeout(timer), resolve(m)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        });
      }),
  };
}

function eventInput(seq, tasks) {
  const kind = KINDS[seq % KINDS.length];
  return {
    event: kind.event,
    task_id: `task-${seq % tasks}`,
    run_id: `run-${seq % tasks}-${Math.floor(seq / (tasks * 50))}`,
    status: kind.status,
    message: kind.message,
    duration_ms: (seq * 7919) % 10_000,
    seq,
  };
}

/**
 * Logs `count` events starting at `from`, at `rate` per second: a 1 ms timer logs the events that
 * are due (1 or 2 per turn), so they are spread as an app's would be, not sent in bursts.
 */
function logAtRate(emit, inputs, from, count, rate) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let sent = 0;
    const tick = () => {
      const due = Math.min(count, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
      while (sent < due) {
        const input = inputs[from + sent++];
        input.sent_at = performance.timeOrigin + performance.now();
        emit(input);
      }
      if (sent < count) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
}

/**
 * `logAtRate` over the timed window, watched: this process's CPU (% of one core) and the longest
 * stall of its event loop (JS busy, GC, or the process waiting for a CPU) over that window.
 */
async function timedLogging(emit, inputs, from, count, rate) {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  await logAtRate(emit, inputs, from, count, rate);
  const end = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  loop.disable();
  const windowUs = Number(end - start) / 1000;
  return {
    // In hrtime microseconds, the clock of --cpu-prof samples: lets a profile keep this part only.
    window: { startUs: Number(start / 1000n), endUs: Number(end / 1000n) },
    windowS: windowUs / 1e6,
    cpuPercent: (100 * (cpu.user + cpu.system)) / windowUs,
    cpuUserPercent: (100 * cpu.user) / windowUs,
    cpuSystemPercent: (100 * cpu.system) / windowUs,
    loopMaxMs: loop.max / 1e6,
  };
}

async function latency(server, client, [clients, tasks, seconds, rate, warmup]) {
  const warmCount = rate * warmup;
  const count = rate * seconds;
  const inputs = Array.from({ length: warmCount + count }, (_, seq) => eventInput(seq, tasks));
  client.send({ type: 'open', port: server.port, clients, paths: taskPaths(server, tasks) });
  const connected = await client.wait('connected');

  await logAtRate(server.emit, inputs, 0, warmCount, rate);
  const { loopMaxMs, ...timed } = await timedLogging(server.emit, inputs, warmCount, count, rate);

  client.send({ type: 'finish', total: warmCount + count, from: warmCount, tasks });
  const result = await client.wait('result', 60_000);
  return {
    connect: connected,
    events: count,
    warmupEvents: warmCount,
    ...timed,
    serverClockOffsetMs: clockOffsetMs(),
    serverLoopMaxMs: loopMaxMs,
    ...result,
  };
}

async function connections(server, client, [clients, tasks]) {
  const gc = gcFunction();
  const settle = async () => {
    await new Promise((r) => setTimeout(r, 300));
    gc();
    gc();
    return process.memoryUsage();
  };
  client.send({ type: 'warm', port: server.port, clients: 100, paths: taskPaths(server, tasks) });
  await client.wait('warmed');
  const before = await settle();
  const drops0 = listenDrops();
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  client.send({ type: 'open', port: server.port, clients, paths: taskPaths(server, tasks) });
  const connected = await client.wait('connected');
  const end = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  const drops1 = listenDrops();
  const after = await settle();
  const per = (key) => (after[key] - before[key]) / clients;
  return {
    connect: connected,
    clients,
    rssBeforeMiB: before.rss / 2 ** 20,
    rssAfterMiB: after.rss / 2 ** 20,
    bytesPerConnection: per('rss'),
    heapBytesPerConnection: per('heapUsed'),
    externalBytesPerConnection: per('external'),
    // CPU well below 100% during a long burst: the server waited for retransmitted SYNs.
    burstCpuPercent: (100 * (cpu.user + cpu.system)) / (Number(end - start) / 1000),
    listenDrops: drops0 && drops1 ? drops1.drops - drops0.drops : undefined,
    listenOverflows: drops0 && drops1 ? drops1.overflows - drops0.overflows : undefined,
    window: { startUs: Number(start / 1000n), endUs: Number(end / 1000n) },
  };
}

/**
 * The kernel's counts of connections refused because a listen queue was full (TcpExt
 * ListenOverflows, ListenDrops): each one is a SYN the client retransmits 1 s, then 3 s, ... later.
 * Counted for the whole network namespace; undefined where /proc/net/netstat is missing.
 */
function listenDrops() {
  try {
    const lines = fs.readFileSync('/proc/net/netstat', 'utf8').split('\n');
    const header = lines.findIndex((l) => l.startsWith('TcpExt:'));
    const names = lines[header].split(/\s+/);
    const values = lines[header + 1].split(/\s+/).map(Number);
    const get = (name) => values[names.indexOf(name)];
    return { overflows: get('ListenOverflows'), drops: get('ListenDrops') };
  } catch {
    return undefined;
  }
}

function taskPaths(server, tasks) {
  return Array.from({ length: tasks }, (_, t) => server.path(`task-${t}`));
}

// Figure 7's children reuse the client plumbing and the pacing: required, this file runs nothing.
module.exports = {
  startClients,
  messenger,
  eventInput,
  logAtRate,
  timedLogging,
  clockOffsetMs,
  taskPaths,
};
if (require.main !== module) return;

runMain(async () => {
  const [name, mode, ...rest] = process.argv.slice(2);
  const numbers = rest.map(Number);
  const clients = numbers[0];
  const limit = openFilesLimit();
  if (limit && limit.soft < clients + 200) {
    throw new Error(
      `ulimit -n is ${limit.soft}: the server needs ${clients + 200} descriptors (raise it before npm run bench)`,
    );
  }
  const dir = freshDir('orch-bench-sse-');
  const contender = loadServer(name);
  const server = await contender.start({ dir });
  const { child, fds } = startClients(clients + 200);
  const client = messenger(child);
  const loadAverage = os.loadavg()[0];
  try {
    const result =
      mode === 'latency'
        ? await latency(server, client, numbers)
        : await connections(server, client, numbers);
    client.send({ type: 'exit' });
    await new Promise((resolve) =>
      child.exitCode !== null ? resolve() : child.once('exit', resolve),
    );
    report({ server: contender.name, mode, clientFds: fds, loadAverage, ...result });
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    // A short grace for a clean close; the process exits right after anyway, which frees the rest.
    await Promise.race([server.close(), new Promise((r) => setTimeout(r, 250))]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
