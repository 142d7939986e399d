'use strict';
/**
 * Figure 6 child: the real demo app (dist/apps/orchestrator/main.js, as built by
 * `npx nx build orchestrator`) started in this process with the env the e2e tests give it
 * (HOST=127.0.0.1 PORT=0 ORCH_LOG_FILE=<the generated retention>), and the query client in another
 * process (children/history-client.js, plain Node). Hosting the app here rather than spawning it
 * means `--cpu-prof` from the harness profiles the app itself, and lets this process watch the
 * app's event loop (perf_hooks.monitorEventLoopDelay), which the app does not expose.
 *
 * usage: history-server.js <main.js> <logFile> <generated-facts-json> [options-json]
 *   options: `maxSize` (bytes) the retention was written with, given to the app as ORCH_LOG_MAX_SIZE
 *   (with the default 10 MiB, the app's own first event would rotate a bigger retention's oldest
 *   backup away); `plan`, what the client runs (children/history-client.js PLAN; figure 13 and
 *   --quick run less than figure 6).
 */
const path = require('node:path');
const { fork } = require('node:child_process');
const { monitorEventLoopDelay, performance } = require('node:perf_hooks');
const { report, runMain, startDemoApp } = require('./shared');

const CLIENT_SCRIPT = path.join(__dirname, 'history-client.js');
const LOOP_RESOLUTION_MS = 1;

/** Starts main.js here and resolves with the port it printed (`listening on http://host:port/`). */
function startApp(main, logFile, maxSize) {
  return startDemoApp(main, {
    ORCH_LOG_FILE: logFile,
    ...(maxSize ? { ORCH_LOG_MAX_SIZE: String(maxSize) } : {}),
    ORCH_SSE_MAX_CLIENTS: '100000',
    ORCH_SSE_MAX_CLIENTS_PER_IP: '100000',
  });
}

runMain(async () => {
  const [main, logFile, factsJson, optionsJson] = process.argv.slice(2);
  const options = optionsJson ? JSON.parse(optionsJson) : {};
  const port = await startApp(path.resolve(main), logFile, options.maxSize);
  const listenedAt = performance.timeOrigin + performance.now();
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  const client = fork(CLIENT_SCRIPT, [], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let startUs;
  let endUs;
  const loopStats = {};
  const result = await new Promise((resolve, reject) => {
    client.on('message', (msg) => {
      if (msg.type === 'start') startUs = Number(process.hrtime.bigint() / 1000n);
      else if (msg.type === 'end') endUs = Number(process.hrtime.bigint() / 1000n);
      else if (msg.type === 'loop-start') {
        loop.reset();
        loop.enable();
        client.send({ type: 'loop-started' });
      } else if (msg.type === 'loop-stop') {
        loop.disable();
        loopStats[msg.phase] = {
          maxMs: loop.max / 1e6,
          p99Ms: loop.percentile(99) / 1e6,
          meanMs: loop.mean / 1e6,
          samples: loop.count,
        };
        client.send({ type: 'loop-stopped' });
      } else if (msg.type === 'result') resolve(msg.result);
      else if (msg.type === 'error') reject(new Error(`client: ${msg.message}`));
    });
    client.on('exit', (code) => reject(new Error(`client exited with ${code} before its result`)));
    client.send({
      type: 'run',
      port,
      logFile,
      listenedAt,
      facts: JSON.parse(factsJson),
      plan: options.plan,
    });
  });
  client.kill();
  report({
    ...result,
    loop: loopStats,
    loopResolutionMs: LOOP_RESOLUTION_MS,
    window: { startUs, endUs },
  });
});
