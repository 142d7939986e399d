'use strict';
/**
 * Figure 16's scale-out child: the history query of a second instance with the Redis bus, with and
 * without the PostgreSQL module, whatever the shared stream's length.
 *
 * 1. Instance A (a forked process: the library with the Redis bus, and the PostgreSQL module when
 *    the variant has it, on a log file of its own) logs `length` events (the seed's shape: 1,000
 *    task_ids), so the stream holds them, and, with the module, waits until its ingest has stored
 *    them all; then it exits.
 * 2. Instance B, the built demo app, starts in this process with `REDIS_URL` on the same stream
 *    (and `ORCH_HISTORY_URL` on the same database for `store`): its own files are empty, so every
 *    event it returns is A's, from the stream (`redis`) or from PostgreSQL (`store`).
 * 3. A forked client (plain Node) sends `GET /api/v1/orchestrator/events?task_id=<t>&limit=100`
 *    one at a time (`sequential` times, a task at random each), then `rounds` rounds of ten at
 *    once, while this process samples its RSS every 20 ms.
 *
 * usage: pg-scale-http.js <main.js> <store|redis> <length> <sequential> <rounds>
 */
const fs = require('node:fs');
const path = require('node:path');
const { fork } = require('node:child_process');
const {
  LIBRARY,
  freshDir,
  makeEvents,
  report,
  runMain,
  startDemoApp,
  yieldToLoop,
} = require('./shared');
const { withDatabase } = require('../lib/services');
const { latencySummary } = require('../lib/stats');

const ADMIN_URL = process.env.ORCH_BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const TASKS = 1000;
const AT_ONCE = 10;

/** Instance A: logs `n` events onto the stream (and into PostgreSQL), then exits. */
async function fill(stream, url, n, dir) {
  require('reflect-metadata');
  const { Module } = require('@nestjs/common');
  const { NestFactory } = require('@nestjs/core');
  const { OrchestratorEventsModule, EventLogger } = require(LIBRARY);
  const postgres = require(path.join(LIBRARY, 'postgres'));
  const { OrchestratorEventsRedisModule } = require(path.join(LIBRARY, 'redis'));
  class InstanceA {}
  Module({
    imports: [
      OrchestratorEventsModule.forRoot({
        logFile: path.join(dir, 'a.log'),
        orchId: 'o-a',
        maxSize: '256m',
        env: {},
        controller: false,
      }),
      OrchestratorEventsRedisModule.forRoot({ url: REDIS_URL, stream, env: {} }),
      ...(url === '-' ? [] : [postgres.OrchestratorEventsPostgresModule.forRoot({ url, env: {} })]),
    ],
  })(InstanceA);
  const app = await NestFactory.createApplicationContext(InstanceA, { logger: ['error'] });
  const logger = app.get(EventLogger);
  const events = makeEvents(n, 7);
  for (let i = 0; i < n; i++) {
    logger.log(events[i]);
    if ((i + 1) % 1000 === 0) await yieldToLoop();
  }
  await logger.flush();
  const Redis = require('ioredis');
  const redis = new Redis(REDIS_URL);
  // A bounded wait: a fill that never completes is an error, not a benchmark that hangs.
  const deadline = Date.now() + 120_000;
  const until = async (done, what) => {
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`instance A: ${what} not reached in 120 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  // The bus publishes in the background: wait until the stream holds them (MAXLEN ~ keeps ≥ n).
  await until(
    async () => Number(await redis.xlen(stream)) >= Math.min(n, 100_000),
    `${n} entries on the stream`,
  );
  redis.disconnect();
  if (url !== '-') {
    const store = app.get(postgres.PostgresHistoryStore);
    await until(
      () => store.state().ingested >= n && store.state().lag_bytes === 0,
      `${n} events ingested`,
    );
  }
  await app.close();
}

/** The client: sequential queries, then rounds of ten at once; reports to the parent. */
function client() {
  const http = require('node:http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: AT_ONCE });
  let seedN = 11;
  const task = () => {
    seedN = (seedN * 1103515245 + 12345) % 2147483648;
    return `task-${seedN % TASKS}`;
  };
  const get = (port) =>
    new Promise((resolve, reject) => {
      const t = process.hrtime.bigint();
      const req = http.get(
        {
          host: '127.0.0.1',
          port,
          agent,
          path: `/api/v1/orchestrator/events?task_id=${task()}&limit=100`,
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (body += c));
          res.on('end', () => {
            if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}: ${body}`));
            const page = JSON.parse(body);
            resolve({
              ms: Number(process.hrtime.bigint() - t) / 1e6,
              events: page.events.length,
              partial: page.partial === true,
            });
          });
        },
      );
      req.on('error', reject);
    });
  process.on('message', async ({ port, sequential, rounds }) => {
    try {
      for (let i = 0; i < 5; i++) await get(port);
      const seq = [];
      let events = 0;
      let partial = 0;
      for (let i = 0; i < sequential; i++) {
        const r = await get(port);
        seq.push(r.ms);
        events += r.events;
        partial += r.partial ? 1 : 0;
      }
      process.send({ type: 'sequential-done' });
      const concurrent = [];
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < rounds; i++) {
        const all = await Promise.all(Array.from({ length: AT_ONCE }, () => get(port)));
        for (const r of all) concurrent.push(r.ms);
      }
      const concurrentSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
      process.send({
        type: 'result',
        result: {
          sequential: latencySummary(seq),
          meanEvents: events / sequential,
          partial,
          concurrent: latencySummary(concurrent),
          concurrentSeconds,
        },
      });
    } catch (error) {
      process.send({ type: 'error', message: error.message });
    }
  });
}

function forkSelf(args) {
  return fork(__filename, args, {
    execArgv: ['-r', path.join(__dirname, 'preload.js')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

const exited = (child) =>
  new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`)))),
  );

async function measure(main, variant, length, sequential, rounds) {
  const stream = `orch:bench:scale:${process.pid}`;
  const dir = freshDir();
  const Redis = require('ioredis');
  const redis = new Redis(REDIS_URL);
  const run = async (url) => {
    await exited(forkSelf(['--fill', stream, url ?? '-', String(length), dir]));
    const port = await startDemoApp(path.resolve(main), {
      ORCH_LOG_FILE: path.join(dir, 'b.log'),
      ORCH_ID: 'o-b',
      REDIS_URL,
      ORCH_REDIS_STREAM: stream,
      ...(url ? { ORCH_HISTORY_URL: url } : {}),
    });
    // With the store: until its source is up (it migrated and answered), a query is `partial`.
    if (url) await waitForStore(port);
    const gc = require('./shared').gcFunction();
    gc();
    const rssIdle = process.memoryUsage().rss;
    const c = forkSelf(['--client']);
    let peak = 0;
    let rssBeforeConcurrent = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const result = await new Promise((resolve, reject) => {
      c.on('message', (msg) => {
        if (msg.type === 'sequential-done') {
          rssBeforeConcurrent = process.memoryUsage().rss;
          peak = rssBeforeConcurrent;
        } else if (msg.type === 'result') resolve(msg.result);
        else if (msg.type === 'error') reject(new Error(`client: ${msg.message}`));
      });
      c.send({ port, sequential, rounds });
    });
    clearInterval(sampler);
    c.kill();
    const rssAfter = process.memoryUsage().rss;
    gc();
    return {
      variant,
      length,
      streamLength: Number(await redis.xlen(stream)),
      ...result,
      rssIdleMb: rssIdle / 2 ** 20,
      rssBeforeConcurrentMb: rssBeforeConcurrent / 2 ** 20,
      rssPeakMb: peak / 2 ** 20,
      rssAfterMb: rssAfter / 2 ** 20,
      rssAfterGcMb: process.memoryUsage().rss / 2 ** 20,
    };
  };
  try {
    return variant === 'store'
      ? await withDatabase(ADMIN_URL, 'orch_bench_http', run)
      : await run(undefined);
  } finally {
    await redis.del(stream);
    redis.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function waitForStore(port) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/orchestrator/events?limit=1`);
    const page = await res.json();
    if (page.partial !== true && page.events.length > 0) return;
    if (Date.now() > deadline) throw new Error('the store did not come up in 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const [mode, ...args] = process.argv.slice(2);
if (mode === '--fill') runMain(() => fill(args[0], args[1], Number(args[2]), args[3]));
else if (mode === '--client') client();
else {
  runMain(async () => {
    const [main, variant, length, sequential, rounds] = process.argv.slice(2);
    report(await measure(main, variant, Number(length), Number(sequential), Number(rounds)));
  });
}
