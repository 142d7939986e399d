'use strict';
/**
 * Figure 10 child: one HTTP server in this process (the process measured, whose /proc/<pid>/fd the
 * client reads); its half-open sockets and health prober in another (children/half-open-clients.js,
 * forked without ts-node or any profiler flag).
 *
 * usage: half-open.js <server> <sockets> <batch> <probeEveryMs> <windowMs> <waitMs> <closeGoalMs>
 *          [<main.js> <headersTimeoutMs>]
 *   <server>: `app`, the demo app as built (<main.js>, started here with HTTP_HEADERS_TIMEOUT_MS=
 *   <headersTimeoutMs>); `plain`, node:http with Node's default settings; `plain-timeout`, node:http
 *   with `headersTimeout` <headersTimeoutMs> and `connectionsCheckingInterval` 500 ms. All listen on
 *   127.0.0.1 with Node's default backlog (511) and answer `GET /api/v1/health` with JSON.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { fork } = require('node:child_process');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { freshDir, report, runMain, startDemoApp } = require('./shared');
const { messenger } = require('./sse-server');
const { openFilesLimit } = require('./sse/stream-client');

const CLIENT_SCRIPT = path.join(__dirname, 'half-open-clients.js');
const HEALTH_PATH = '/api/v1/health';
const CHECK_INTERVAL_MS = 500;

/** Starts main.js here and resolves with the port it printed (`listening on http://host:port/`). */
function startApp(main, logFile, headersTimeoutMs) {
  return startDemoApp(main, {
    ORCH_LOG_FILE: logFile,
    HTTP_HEADERS_TIMEOUT_MS: String(headersTimeoutMs),
  });
}

/** Open file descriptors of this process (the app's health route reports the same). */
function openFds() {
  try {
    return fs.readdirSync('/proc/self/fd').length;
  } catch {
    return null;
  }
}

/**
 * node:http with `options` (none: Node's defaults, headersTimeout 60 s, requestTimeout 300 s,
 * connections checked every 30 s); its health route does what the app's does for a probe without a
 * token: process.memoryUsage() and a count of /proc/self/fd, serialized to JSON.
 */
function startPlain(options) {
  const server = http.createServer(options, (req, res) => {
    if (req.method === 'GET' && req.url.split('?')[0] === HEALTH_PATH) {
      const memory = process.memoryUsage();
      const body = JSON.stringify({
        status: 'ok',
        pid: process.pid,
        memory: { rss: memory.rss, heap_used: memory.heapUsed },
        open_fds: openFds(),
      });
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(body);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end('{"status":"not found"}');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

runMain(async () => {
  const [name, ...rest] = process.argv.slice(2);
  const [sockets, batch, probeEveryMs, windowMs, waitMs, closeGoalMs] = rest
    .slice(0, 6)
    .map(Number);
  const [main, headersTimeoutText] = rest.slice(6);
  const headersTimeoutMs = Number(headersTimeoutText);
  // The app keeps 1,024 descriptors below the limit for itself (HTTP_MAX_CONNECTIONS' default):
  // with fewer than this, it would refuse sockets for a reason this figure does not measure.
  const limit = openFilesLimit();
  const needFds = sockets + 1_100;
  if (limit && limit.soft < needFds) {
    throw new Error(`ulimit -n is ${limit.soft}; figure 10 needs ${needFds} in each process`);
  }
  const dir = freshDir('orch-bench-half-open-');
  let port;
  if (name === 'app') {
    port = await startApp(path.resolve(main), path.join(dir, 'events.log'), headersTimeoutMs);
  } else if (name === 'plain') {
    port = await startPlain({});
  } else if (name === 'plain-timeout') {
    port = await startPlain({
      headersTimeout: headersTimeoutMs,
      connectionsCheckingInterval: CHECK_INTERVAL_MS,
    });
  } else {
    throw new Error(`unknown server ${name}; expected app, plain or plain-timeout`);
  }
  const loadAverage = os.loadavg()[0];
  const loop = monitorEventLoopDelay({ resolution: 5 });
  const child = fork(CLIENT_SCRIPT, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [],
  });
  const client = messenger(child);
  try {
    let startUs;
    let endUs;
    child.on('message', (msg) => {
      if (msg.type === 'start') {
        startUs = Number(process.hrtime.bigint() / 1000n);
        loop.enable();
      } else if (msg.type === 'end') {
        endUs = Number(process.hrtime.bigint() / 1000n);
        loop.disable();
      }
    });
    client.send({
      type: 'run',
      port,
      serverPid: process.pid,
      healthPath: HEALTH_PATH,
      sockets,
      batch,
      probeEveryMs,
      windowMs,
      waitMs,
      closeGoalMs,
    });
    const { result } = await client.wait('result', waitMs + 60_000);
    report({
      server: name,
      headersTimeoutMs: name === 'plain' ? new http.Server().headersTimeout : headersTimeoutMs,
      fdLimit: limit?.soft,
      loadAverage,
      ...result,
      serverLoopMaxMs: loop.max / 1e6,
      serverLoopP99Ms: loop.percentile(99) / 1e6,
      // In hrtime microseconds, the clock of --cpu-prof samples: lets a profile keep this part only.
      window: { startUs, endUs },
    });
    client.send({ type: 'exit' });
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
