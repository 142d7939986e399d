'use strict';
/**
 * Figure 7, cross-instance delivery over Redis: instance A logs 1,000 events per second; 100 SSE
 * clients on instance B (another process, the same Redis Stream) receive them. The time from log()
 * on A to the client's receipt, A's and B's CPU, and whether every client got every event of its
 * task exactly once; against the same setup on one instance (the memory bus, figure 3's server) and
 * against the floor of one Redis hop (plain ioredis XADD → XREAD BLOCK), measured in the same bench
 * run, interleaved, for as long: the goal is a ratio to it.
 */
const { spawnSync } = require('node:child_process');
const { table, verdict } = require('../lib/markdown');
const { medianOf, perRun, latencyHeaders, failures, ok } = require('../lib/runs');
const { int, fixed, ratio } = require('../lib/stats');

// As in figure 3: the profiling run (only when a goal is missed, or --profile) logs for half as long.
// The floor is timed as long as the library: its p99 is a goal's yardstick now, and a longer window
// catches more of the machine's stalls, so a shorter one would flatter the floor.
const FULL = {
  CLIENTS: 100,
  TASKS: 10,
  SECONDS: 20,
  FLOOR_SECONDS: 20,
  RATE: 1_000,
  WARMUP_SECONDS: 1,
  PROFILE_SECONDS: 10,
};
// --quick: 1 s of logging, a fifth of the clients.
const QUICK = { ...FULL, CLIENTS: 20, SECONDS: 1, FLOOR_SECONDS: 1, PROFILE_SECONDS: 1 };
const GOAL_P99_MS = 20;
/** Cross-instance p99 at most this many times the p99 of one bare Redis hop (the floor). */
const GOAL_FLOOR_RATIO = 2;

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const libraryRedisSpec = (size, redisUrl, keyPrefix, seconds = size.SECONDS) => ({
  script: 'redis-latency.js',
  args: [
    'library',
    redisUrl,
    keyPrefix,
    String(size.CLIENTS),
    String(size.TASKS),
    String(seconds),
    String(size.RATE),
    String(size.WARMUP_SECONDS),
  ],
  timeoutMs: 120_000,
});

function contenders(size, redisUrl, keyPrefix) {
  const { CLIENTS, TASKS, SECONDS, FLOOR_SECONDS, RATE, WARMUP_SECONDS } = size;
  return [
    {
      name: 'orchestrator-events, A → Redis → B',
      spec: libraryRedisSpec(size, redisUrl, keyPrefix),
      cpu: (r) => `A ${fixed(r.aCpuPercent, 1)}% + B ${fixed(r.cpuPercent, 1)}%`,
      cpuTotal: (r) => r.aCpuPercent + r.cpuPercent,
      how:
        'two processes, each a Nest app as in figure 3 (`NestFactory.create()`, prefix `api/v1`, compression) with ' +
        "`OrchestratorEventsModule.forRoot({ logFile, env: {}, orchId: 'a' | 'b', " +
        'sseMaxClients: 100000, sseMaxClientsPerIp: 100000, sseFastPath: true })` and ' +
        '`OrchestratorEventsRedisModule.forRoot({ url, stream: <fresh key>, env: {} })` (every other option at its default: `MAXLEN ~ 100000`, ' +
        "buffer 100,000); A logs with `EventLogger.log()` (file and bus), B logs nothing; the clients are on B's " +
        '`GET /api/v1/orchestrator/events/stream?task_id=…`. The bus: A pipelines XADDs, B (and A) run one blocking ' +
        '`XREAD COUNT 1000 BLOCK 2000` reader each',
    },
    {
      name: 'orchestrator-events, one instance (memory bus)',
      spec: {
        script: 'sse-server.js',
        args: [
          'library',
          'latency',
          String(CLIENTS),
          String(TASKS),
          String(SECONDS),
          String(RATE),
          String(WARMUP_SECONDS),
        ],
        timeoutMs: 120_000,
      },
      cpu: (r) => `${fixed(r.cpuPercent, 1)}% (one process)`,
      cpuTotal: (r) => r.cpuPercent,
      how: "figure 3's server (`children/sse-server.js library`) at this figure's client count and rate: the same app without `OrchestratorEventsRedisModule`, `log()` and the SSE clients on one instance, the in-process bus",
    },
    {
      name: 'floor: ioredis XADD → XREAD BLOCK',
      spec: {
        script: 'redis-latency.js',
        args: [
          'floor',
          redisUrl,
          keyPrefix,
          String(TASKS),
          String(FLOOR_SECONDS),
          String(RATE),
          String(WARMUP_SECONDS),
        ],
        timeoutMs: 60_000,
      },
      cpu: (r) => `writer ${fixed(r.aCpuPercent, 1)}% + reader ${fixed(r.cpuPercent, 1)}%`,
      cpuTotal: (r) => r.aCpuPercent + r.cpuPercent,
      how:
        `the practical limit of one Redis hop, ${FLOOR_SECONDS} s timed: one process sends \`XADD <key> MAXLEN ~ 100000 * id <id> line <JSON> src <tag>\` per event, the library's entry (the line with the logger's fields) ` +
        '(plain ioredis, not awaited, same events, pacing and stamp), another reads with one `XREAD COUNT 1000 BLOCK 0 STREAMS <key> <last id>` loop ' +
        'and takes the time of each entry as it decodes it; no Nest, no file, no SSE',
    },
  ];
}

/** Which contender a result came from: the children report their mode. */
function contenderOf(list, r) {
  if (r.mode === 'library') return list[0];
  if (r.mode === 'floor') return list[2];
  return list[1];
}

const complete = (r) => r.missing === 0 && r.duplicates === 0 && r.misrouted === 0;

function deliveryText(r) {
  const drops = r.droppedStreams
    ? `, ⚠ ${int(r.droppedStreams)} streams broke (${r.dropErrors[0]})`
    : '';
  const bus = [r.instanceA?.busState, r.busState].some((s) => s && (s.dropped || s.lastError))
    ? `, ⚠ bus: A ${JSON.stringify(r.instanceA?.busState)}, B ${JSON.stringify(r.busState)}`
    : '';
  if (complete(r)) return `all ${int(r.deliveries)}${drops}${bus}`;
  // Where they were lost: A's log() (it never throws, it counts), or between the stream and B.
  const failed = r.instanceA?.logger?.internalErrors
    ? `, ⚠ A's log() failed ${int(r.instanceA.logger.internalErrors)} times`
    : '';
  const stream = r.streamLength === undefined ? '' : `, the stream held ${int(r.streamLength)}`;
  return `⚠ ${int(r.missing)} missing, ${int(r.duplicates)} doubled, ${int(r.misrouted)} misrouted${drops}${bus}${failed}${stream}`;
}

/** Connects once to `url` and PINGs; resolves to Redis's version, or undefined (with why). */
async function probe(url) {
  const Redis = require('ioredis');
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  // The connection's own error (ECONNREFUSED...) says more than the rejection ("Connection is closed.").
  let cause;
  redis.on('error', (err) => (cause ??= err));
  try {
    await redis.connect();
    await redis.ping();
    const info = await redis.info('server');
    return { version: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown' };
  } catch (err) {
    const e = cause ?? err;
    return { why: e.code ?? e.message };
  } finally {
    redis.disconnect();
  }
}

/**
 * A Redis to measure with: the one at REDIS_URL (default 127.0.0.1:6379); if none answers there and
 * it is a local address, one started with `redis-server` (stopped again by `stopRedis`).
 */
async function ensureRedis(url, progress) {
  const first = await probe(url);
  if (first.version) return { url, version: first.version, started: false };
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return { url, why: `REDIS_URL is not a URL` };
  }
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (!local) return { url, why: `${first.why}; not a local address, so none was started` };
  const port = parsed.port || '6379';
  progress(`  no Redis at ${url} (${first.why}): trying redis-server --port ${port}`);
  const started = spawnSync(
    'redis-server',
    // Loopback only; nothing saved to disk.
    [
      '--daemonize',
      'yes',
      '--port',
      port,
      '--bind',
      '127.0.0.1',
      '-::1',
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { encoding: 'utf8', timeout: 10_000 },
  );
  if (started.error || started.status !== 0) {
    const why = started.error?.code === 'ENOENT' ? 'no redis-server binary' : started.stderr;
    return { url, why: `${first.why}; could not start one: ${String(why).trim()}` };
  }
  for (let i = 0; i < 50; i++) {
    const again = await probe(url);
    if (again.version) return { url, version: again.version, started: true };
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, why: `${first.why}; redis-server was started but does not answer` };
}

/** Deletes the stream keys a killed child left behind; stops the Redis this figure started. */
async function cleanUp(redis, keyPrefix) {
  const Redis = require('ioredis');
  const conn = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  conn.on('error', () => undefined);
  let leftovers = 0;
  try {
    await conn.connect();
    let cursor = '0';
    do {
      const [next, keys] = await conn.scan(cursor, 'MATCH', `${keyPrefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) leftovers += await conn.del(...keys);
    } while (cursor !== '0');
    if (redis.started) await conn.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
  } finally {
    conn.disconnect();
  }
  return leftovers;
}

function skipped(redis) {
  return {
    headline: [
      {
        figure: '7. Cross-instance delivery (Redis)',
        measure: 'p99 log() on instance A → SSE client on instance B, 1,000 events/s (p50, p99.9)',
        ours: `**not measured**: no Redis at ${redis.url}`,
        peer: 'one instance (memory bus)',
        peerFigure: 'n/a',
        ratio: 'n/a',
        goal: `p99 ≤ ${GOAL_P99_MS} ms, no event missed`,
        met: undefined,
      },
    ],
    section: [
      `**Skipped: no Redis answered at ${redis.url}** (${redis.why}). ` +
        'This figure needs a Redis server (5.0 or later, for streams) that the bench may write to: it uses a fresh ' +
        'stream key `orch:bench:*` per run and deletes it afterwards. To run it:',
      '',
      '```bash',
      'apt-get install redis-server   # or any Redis; the bench starts `redis-server` itself when it finds the binary',
      'REDIS_URL=redis://127.0.0.1:6379 npm run bench -- --only fig7',
      '```',
    ].join('\n'),
    raw: { skipped: true, redisUrl: redis.url, why: redis.why },
  };
}

async function run(ctx) {
  const redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL;
  const redis = await ensureRedis(redisUrl, ctx.progress);
  if (!redis.version) {
    ctx.progress(`Figure 7: skipped, no Redis at ${redisUrl} (${redis.why})`);
    return skipped(redis);
  }
  const keyPrefix = `orch:bench:${process.pid}:${Date.now()}`;
  const size = ctx.quick ? QUICK : FULL;
  const { CLIENTS, TASKS, SECONDS, FLOOR_SECONDS, RATE, WARMUP_SECONDS, PROFILE_SECONDS } = size;
  const CONTENDERS = contenders(size, redisUrl, keyPrefix);
  ctx.progress(
    `Figure 7: Redis ${redis.version} at ${redisUrl}${redis.started ? ' (started for this figure)' : ''}; ` +
      `${int(CLIENTS)} SSE clients, ${int(RATE)} events/s for ${SECONDS} s (+${WARMUP_SECONDS} s warm-up), ` +
      `${CONTENDERS.length} contenders x ${ctx.runs} runs`,
  );
  let runs;
  let leftovers = 0;
  try {
    runs = await ctx.runInterleaved(
      CONTENDERS,
      (r) =>
        `p50 ${fixed(r.p50Ms)} ms, p99 ${fixed(r.p99Ms)} ms, p99.9 ${fixed(r.p999Ms)} ms, ` +
        `max ${fixed(r.maxMs)} ms${r.toBusP99Ms === undefined ? '' : `, to B's bus p99 ${fixed(r.toBusP99Ms)} ms`}, ` +
        `CPU ${contenderOf(CONTENDERS, r).cpu(r)}, ${deliveryText(r)}`,
    );
  } finally {
    leftovers = await cleanUp(redis, keyPrefix).catch(() => 0);
  }

  const [redisC, single, floorC] = CONTENDERS;
  const med = (name, pick) => medianOf(runs[name], pick);
  const ours = redisC.name;
  const p99 = med(ours, (r) => r.p99Ms);
  const singleP99 = med(single.name, (r) => r.p99Ms);
  const ourRuns = runs[ours];
  const allDelivered = ourRuns.length > 0 && ourRuns.every((x) => x.result && complete(x.result));
  const met = Number.isFinite(p99) && p99 <= GOAL_P99_MS && allDelivered;
  const floorP99 = med(floorC.name, (r) => r.p99Ms);
  const floorRatio = p99 / floorP99;
  const floorMet = Number.isFinite(floorRatio) && floorRatio <= GOAL_FLOOR_RATIO;
  const pairRatios = (peerName) =>
    ourRuns.map((x, i) => {
      const peer = runs[peerName][i];
      return x.result && peer?.result ? ratio(x.result.p99Ms / peer.result.p99Ms) : 'failed';
    });
  const p99Ratios = pairRatios(single.name);
  const floorRatios = pairRatios(floorC.name);

  const rows = CONTENDERS.map((c) => {
    const r = runs[c.name];
    const isOurs = c.name === ours;
    const stall = (pick) => fixed(med(c.name, pick), 0);
    const stalls =
      c === single
        ? `${stall((x) => x.serverLoopMaxMs)} (A and B) / ${stall((x) => x.clientLoopMaxMs)}`
        : `${stall((x) => x.aLoopMaxMs)} / ${stall((x) => x.serverLoopMaxMs)} / ${c === floorC ? '-' : stall((x) => x.clientLoopMaxMs)}`;
    return [
      c.name,
      fixed(med(c.name, (x) => x.p50Ms)),
      fixed(med(c.name, (x) => x.p99Ms)),
      ...perRun(r, (x) => fixed(x.p99Ms)),
      fixed(med(c.name, (x) => x.p999Ms)),
      fixed(med(c.name, (x) => x.maxMs)),
      c === redisC
        ? `${fixed(med(c.name, (x) => x.toBusP50Ms))} / ${fixed(med(c.name, (x) => x.toBusP99Ms))} / ${fixed(med(c.name, (x) => x.toBusP999Ms))}`
        : '-',
      fixed(med(c.name, c.cpuTotal), 1),
      perRun(r, c.cpu).join(' / '),
      perRun(r, deliveryText).join(' / '),
      stalls,
      perRun(r, (x) => fixed(x.loadAverage, 1)).join(' / '),
      isOurs ? `p99 ≤ ${GOAL_P99_MS} ms and ≤ ${GOAL_FLOOR_RATIO}× the floor's, none missed` : '-',
      verdict(isOurs ? met && floorMet : undefined),
    ];
  });

  const headline = [
    {
      figure: '7. Cross-instance delivery (Redis)',
      measure: 'p99 log() on instance A → SSE client on instance B, 1,000 events/s (p50, p99.9)',
      ours: `${fixed(p99)} ms (${fixed(med(ours, (r) => r.p50Ms))}, ${fixed(med(ours, (r) => r.p999Ms))})${allDelivered ? '' : ' ⚠ events missed'}`,
      peer: 'one instance (memory bus)',
      peerFigure: `${fixed(singleP99)} ms (${fixed(med(single.name, (r) => r.p50Ms))}, ${fixed(med(single.name, (r) => r.p999Ms))})`,
      ratio: ratio(p99 / singleP99),
      goal: `p99 ≤ ${GOAL_P99_MS} ms, no event missed`,
      met,
    },
    {
      figure: '7. Cross-instance delivery (Redis)',
      measure:
        'p99 log() on A → SSE client on B ÷ p99 of one bare Redis hop (ioredis XADD → XREAD BLOCK), same bench run (p50)',
      ours: `${fixed(p99)} ms (${fixed(med(ours, (r) => r.p50Ms))})`,
      peer: floorC.name,
      peerFigure: `${fixed(floorP99)} ms (${fixed(med(floorC.name, (r) => r.p50Ms))})`,
      ratio: ratio(floorRatio),
      goal: `≤ ${GOAL_FLOOR_RATIO}× the floor's p99`,
      met: floorMet,
    },
  ];

  // Clock agreement between the process that stamps `sent_at` and the one that takes the receipt.
  const skews = ok(Object.values(runs).flat())
    .map((r) =>
      Math.abs(r.clientClockOffsetMs - (r.instanceA?.clockOffsetMs ?? r.serverClockOffsetMs)),
    )
    .filter(Number.isFinite);
  const notes = CONTENDERS.flatMap((c) => failures(c.name, runs[c.name]));
  if (leftovers) notes.push(`- ${leftovers} stream keys left by failed runs were deleted.`);
  const section = [
    `Redis ${redis.version} at \`${redisUrl}\`${redis.started ? ' (started by the bench for this figure, stopped after it)' : ''}, on this machine. ` +
      `Each run of the Redis contender starts instance B (the child the harness starts, and profiles), which forks instance A ` +
      `and a client process; A and B share a stream key of their own (\`orch:bench:<pid>:<time>:<pid>\`, deleted at the end of the run). ` +
      `B waits for both instances' buses to be connected (reader positioned), then opens ${int(CLIENTS)} SSE clients ` +
      "(figure 3's client process: plain `node:http`, one socket each, " +
      `client *i* filtered to \`task_id=task-(i mod ${TASKS})\`, so ${CLIENTS / TASKS} clients per task and ${int((CLIENTS / TASKS) * RATE)} deliveries/s: ` +
      'a few dashboards per task, each event of a task on every one of them). ' +
      `Then A logs ${int(RATE)} events per second over the ${TASKS} tasks, ${WARMUP_SECONDS} s untimed then ${SECONDS} s timed, ` +
      "with figure 3's events, pacing (a 1 ms timer logs the events that are due) and stamp (`sent_at = performance.timeOrigin + performance.now()` " +
      'just before `log()`); the client computes latency = its own clock - `sent_at` on receipt. All processes are on the same machine and ' +
      `their stamps agree within ${fixed(Math.max(0, ...skews) * 1000, 0)} µs (checked each run against \`process.hrtime\`). ` +
      "CPU is `process.cpuUsage()` of each process over A's timed window, as % of one core (the pacing timer is in A's). " +
      'Every client counts what it received per `seq`: every client must get every event of its task exactly once. The three contenders, interleaved:',
    '',
    ...CONTENDERS.map((c) => `- **${c.name}**: ${c.how}.`),
    '',
    'Latency includes the event loops of A, Redis, B and the client process, and the loopback TCP stack twice (A → Redis → B) ' +
      'before the SSE hop; on this 2-core machine four busy processes share two cores. The "loop stall" column is the longest delay ' +
      "each process's own event loop saw over the timed window (`monitorEventLoopDelay`, resolution 5 ms), median over runs. " +
      "The \"to B's bus\" column splits the Redis contender's latency: from `sent_at` on A to a subscriber of B's own bus for " +
      "the event's task, subscribed before the SSE clients, so that B calls it first for each event (before that event's SSE " +
      'frames are built and queued; the socket writes come on the next tick, after the whole XREAD batch): the Redis hop with ' +
      "both instances' loops and B's decoding, and the frames of the batch's earlier events, without the SSE socket writes and " +
      "the client process; compare it with the floor's latency.",
    '',
    table(
      [
        'contender',
        ...latencyHeaders(ctx.runs),
        "to B's bus p50 / p99 / p99.9 ms",
        'CPU % (sum)',
        'CPU % per run',
        'deliveries per run',
        'loop stall ms, A / B / clients',
        'load avg at run start',
        'goal',
        'result',
      ],
      rows,
    ),
    '',
    `p99 over the one-instance p99 per run (interleaved pairs): ${p99Ratios.join(', ')}; over the floor's p99 per run: ` +
      `${floorRatios.join(', ')} (goal: the ratio of the medians, ${ratio(floorRatio)}, at most ${GOAL_FLOOR_RATIO}×). ` +
      `Figures are medians over ${ctx.runs} runs; a run's percentiles are over all its timed deliveries ` +
      `(${int((CLIENTS / TASKS) * RATE * SECONDS)} for the library, ${int(RATE * FLOOR_SECONDS)} entries for the floor).`,
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');

  return {
    headline,
    section,
    raw: {
      redisUrl,
      redisVersion: redis.version,
      redisStarted: redis.started,
      clients: CLIENTS,
      tasks: TASKS,
      seconds: SECONDS,
      floorSeconds: FLOOR_SECONDS,
      rate: RATE,
      warmupSeconds: WARMUP_SECONDS,
      leftoverKeysDeleted: leftovers,
      runs,
    },
    // A Redis the figure started is stopped by now: nothing to profile against.
    profile: redis.started
      ? undefined
      : {
          subject: `instance B, the process with the SSE clients (window: ${PROFILE_SECONDS} s of A logging)`,
          spec: libraryRedisSpec(size, redisUrl, keyPrefix, PROFILE_SECONDS),
        },
  };
}

module.exports = {
  id: 'fig7',
  title: 'Figure 7: Cross-instance delivery over Redis',
  runs: 3,
  run,
};
