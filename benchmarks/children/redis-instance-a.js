'use strict';
/**
 * Figure 7's instance A, forked by children/redis-latency.js (instance B, the process the harness
 * starts and profiles): the process that logs. Driven over IPC:
 *   -> { type: 'ready' }                         once connected to Redis;
 *   <- { type: 'log', rate, warmup, seconds }    log `rate` events/s, `warmup` s untimed, then
 *                                                `seconds` s timed (same events, pacing and `sent_at`
 *                                                stamp as figure 3: children/sse-server.js);
 *   -> { type: 'timing' }                        when the timed part starts;
 *   -> { type: 'done', ... }                     when it ended: this process's CPU over it;
 *   <- { type: 'exit' }                          close (the library's bus adds what it still holds).
 *
 * usage: redis-instance-a.js library <redisUrl> <stream> <tasks>
 *          an app with OrchestratorEventsModule on the Redis bus (orchId `a`), EventLogger.log();
 *        redis-instance-a.js raw <redisUrl> <stream> <tasks>
 *          the floor: one ioredis connection, one `XADD <stream> MAXLEN ~ 100000 * id <id> line <json>
 *          src <tag>` per event (the library's entry and trimming), not awaited. Plain Node is
 *          enough for this one.
 */
const os = require('node:os');
const fs = require('node:fs');
const { randomBytes } = require('node:crypto');
const { performance } = require('node:perf_hooks');
const { freshDir } = require('./shared');
const { eventInput, logAtRate, timedLogging, clockOffsetMs } = require('./sse-server');

const send = (msg) => process.send(msg);
const [mode, redisUrl, stream, tasksArg] = process.argv.slice(2);
const tasks = Number(tasksArg);

/** The library on the Redis bus, as instance B runs it. */
async function startLibrary() {
  const dir = freshDir('orch-bench-redis-a-');
  const server = await require('./sse/library-redis').start({
    dir,
    redisUrl,
    stream,
    orchId: 'a',
  });
  return {
    emit: server.emit,
    state: () => server.busState(),
    loggerStats: () => server.loggerStats(),
    // Waits (bounded) for the bus to have added everything to the stream.
    drained: () => server.busState().buffered === 0,
    close: async () => {
      await Promise.race([server.close(), new Promise((r) => setTimeout(r, 3000))]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The floor's publisher tag, as the library's (`<orch_id>:<12 hex>`). */
const RAW_SRC = `a:${randomBytes(6).toString('hex')}`;

/**
 * The entry the library's bus adds for `input` (redis-stream.codec.ts: `id`, the event's line with
 * the logger's fields, `src`), so that the floor moves and parses as many bytes as the library:
 * the bare input alone was half the size.
 */
function libraryLikeEntry(input, seq) {
  const now = performance.timeOrigin + performance.now();
  const iso = new Date(now).toISOString();
  const id = `${String(Math.floor(now)).padStart(13, '0')}-${String(seq % 1e6).padStart(6, '0')}-a`;
  const { event, task_id, run_id, message, status, ...extra } = input;
  const line = JSON.stringify({
    timestamp: `${iso.slice(0, -1)}000Z`,
    level: 'INFO',
    logger: 'orchestrator_events',
    event,
    event_id: id,
    orch_id: 'a',
    task_id,
    run_id,
    message,
    status,
    ...extra,
  });
  return ['id', id, 'line', line, 'src', RAW_SRC];
}

/** The floor: XADD straight from ioredis, nothing else. */
async function startRaw() {
  const Redis = require('ioredis');
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0 });
  await redis.connect();
  await redis.ping();
  let inflight = 0;
  let failed = 0;
  let lastError = null;
  return {
    emit: (input) => {
      inflight++;
      const fields = libraryLikeEntry(input, input.seq);
      redis.xadd(stream, 'MAXLEN', '~', 100_000, '*', ...fields).then(
        () => inflight--,
        (err) => {
          inflight--;
          failed++;
          lastError = err.message;
        },
      );
    },
    state: () => ({ kind: 'raw', buffered: inflight, dropped: failed, lastError }),
    drained: () => inflight === 0,
    close: () => redis.quit(),
  };
}

async function logWhenTold(instance, { rate, warmup, seconds }) {
  const warmCount = rate * warmup;
  const count = rate * seconds;
  const inputs = Array.from({ length: warmCount + count }, (_, seq) => eventInput(seq, tasks));
  await logAtRate(instance.emit, inputs, 0, warmCount, rate);
  send({ type: 'timing' });
  const timed = await timedLogging(instance.emit, inputs, warmCount, count, rate);
  // Outside the window: how long the last events waited to be added to the stream.
  const drainStart = performance.now();
  while (!instance.drained() && performance.now() - drainStart < 5000) {
    await new Promise((r) => setTimeout(r, 5));
  }
  send({
    type: 'done',
    events: count,
    warmupEvents: warmCount,
    ...timed,
    drainMs: performance.now() - drainStart,
    clockOffsetMs: clockOffsetMs(),
    busState: instance.state(),
    // log() never throws: a failing one only counts (internalErrors), so say how many were logged.
    logger: instance.loggerStats?.(),
    loadAverage: os.loadavg()[0],
  });
}

async function main() {
  if (mode !== 'library' && mode !== 'raw') throw new Error(`unknown mode ${mode}`);
  const instance = mode === 'library' ? await startLibrary() : await startRaw();
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await instance.close().catch(() => undefined);
    process.exit(0);
  };
  // The parent went away (it failed or was killed): do not outlive it.
  process.on('disconnect', close);
  process.on('message', (msg) => {
    if (msg.type === 'log') {
      logWhenTold(instance, msg).catch((err) =>
        send({ type: 'error', message: err && err.stack ? err.stack : String(err) }),
      );
    } else if (msg.type === 'exit') {
      void close();
    }
  });
  send({ type: 'ready', clockOffsetMs: clockOffsetMs() });
}

main().catch((err) => {
  const message = err && err.stack ? err.stack : String(err);
  if (process.connected) process.send({ type: 'error', message }, () => process.exit(1));
  else {
    process.stderr.write(`${message}\n`);
    process.exit(1);
  }
});
