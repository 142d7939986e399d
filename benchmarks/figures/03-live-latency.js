'use strict';
/**
 * Figure 3, live delivery latency: 1,000 SSE clients in one process, 10 on each of 100 task_ids,
 * while the server in another process logs 1,000 events per second spread over those tasks; the
 * time from log() to the client's receipt, the server's CPU, and whether every client got every
 * event of its task exactly once. The library on Express and on Fastify, against plain node:http,
 * Nest's @Sse() and better-sse.
 */
const { table, verdict } = require('../lib/markdown');
const { medianOf, perRun, latencyHeaders, failures, ok } = require('../lib/runs');
const { int, fixed, ratio } = require('../lib/stats');

// The profiling run (only when a goal is missed) logs for half as long: its window still holds
// 10,000 events, and the bench stays within its time budget.
const FULL = {
  CLIENTS: 1_000,
  TASKS: 100,
  SECONDS: 20,
  RATE: 1_000,
  WARMUP_SECONDS: 1,
  PROFILE_SECONDS: 10,
};
// --quick: a tenth of the clients (still 10 per task), 1 s of logging.
const QUICK = { ...FULL, CLIENTS: 100, TASKS: 10, SECONDS: 1, PROFILE_SECONDS: 1 };
// The goals, for both library rows: delivery as fast as a plain node:http server within
// 15% at the median and the tail, for at most 10% more CPU, and no event missed.
const GOAL_LATENCY_RATIO = 1.15;
const GOAL_CPU_RATIO = 1.1;
const GOAL = `p50 and p99 ≤ ${GOAL_LATENCY_RATIO}× plain, CPU ≤ ${GOAL_CPU_RATIO}× plain, none missed`;

const EXPRESS = 'orchestrator-events (Express)';
const FASTIFY = 'orchestrator-events (Fastify)';
const PLAIN = 'plain node:http';
const BETTER_SSE = 'better-sse';

const spec = (size, server, seconds = size.SECONDS) => ({
  script: 'sse-server.js',
  args: [
    server,
    'latency',
    String(size.CLIENTS),
    String(size.TASKS),
    String(seconds),
    String(size.RATE),
    String(size.WARMUP_SECONDS),
  ],
  timeoutMs: 120_000,
});

const contenders = (size) => [
  {
    name: EXPRESS,
    spec: spec(size, 'library'),
    how:
      "`OrchestratorEventsModule.forRoot({ logFile, env: {}, sseMaxClients: 100000, sseMaxClientsPerIp: 100000, sseFastPath: true })` (every other option at its default) in `NestFactory.create()` (Express 5), `app.setGlobalPrefix('api/v1')`, `app.use(compression())`, a health controller; " +
      "clients on `GET /api/v1/orchestrator/events/stream?task_id=…`, which the fast path serves from the HTTP server's `request` event, ahead of Express, its middleware (compression included) and Nest's pipeline (the child checks at start that it is active); " +
      'events through `EventLogger.log()`, which also writes each line to the log file (10 MiB rotation)',
  },
  {
    name: FASTIFY,
    spec: spec(size, 'library-fastify'),
    how:
      "the same app on `NestFactory.create(module, new FastifyAdapter())` (`@nestjs/platform-fastify` 11, Fastify 5 at its defaults): the same `forRoot` options, prefix, health controller, stream URL and `EventLogger.log()`, the fast path serving the streams ahead of Fastify, its hooks and Nest's pipeline (checked active at start); " +
      "no compression: Fastify's counterpart is a plugin, `@fastify/compress`, which the workspace does not install (the streams skip compression on Express too, fast path)",
  },
  {
    name: PLAIN,
    spec: spec(size, 'plain'),
    how: '`http.createServer`, a `Map<task_id, Set<response>>`; per event one `JSON.stringify`, one frame string, written to each response of its task (the practical limit; no file)',
  },
  {
    name: 'NestJS @Sse() + Subject',
    spec: spec(size, 'nest-sse'),
    how: 'the documented way: `@Sse()` returning `subject.pipe(filter(e => e.task_id === q.task_id), map(e => ({ data: e })))` from one shared RxJS `Subject`, same app setup as ours (prefix, compression); events via `subject.next()` (no file)',
  },
  {
    name: BETTER_SSE,
    spec: spec(size, 'better-sse'),
    how: "better-sse 0.16 as its README shows it: `http.createServer`, `createSession(req, res)` per stream, one `createChannel()` per task_id; per event `channel.broadcast(record, 'message', { eventId })` to its task's channel, which serializes the record once per session (its default `JSON.stringify` serializer) and writes `event:`, `id:` and `data:` lines; a keep-alive comment every 10 s per session (its default; no file)",
  },
];

const complete = (r) => r.missing === 0 && r.duplicates === 0 && r.misrouted === 0;
const p50 = (r) => r.p50Ms;
const p99 = (r) => r.p99Ms;
const cpu = (r) => r.cpuPercent;

function deliveryText(r) {
  const drops = r.droppedStreams
    ? `, ⚠ ${int(r.droppedStreams)} streams broke (${r.dropErrors[0]})`
    : '';
  if (complete(r)) return `all ${int(r.deliveries)}${drops}`;
  return `⚠ ${int(r.missing)} missing, ${int(r.duplicates)} doubled, ${int(r.misrouted)} misrouted${drops}`;
}

/**
 * A contender's medians and their ratios to plain node:http's, and, for a library row, whether it
 * meets the goals (every run delivered every event exactly once included).
 */
function scoreOf(runs, name) {
  const med = (pick) => medianOf(runs[name], pick);
  const over = (pick) => med(pick) / medianOf(runs[PLAIN], pick);
  const score = {
    p50: med(p50),
    p99: med(p99),
    cpu: med(cpu),
    p50Ratio: over(p50),
    p99Ratio: over(p99),
    cpuRatio: over(cpu),
    allDelivered: runs[name].length > 0 && runs[name].every((x) => x.result && complete(x.result)),
  };
  // NaN (no successful run) compares false: a goal without figures is missed.
  score.latencyMet =
    score.p50Ratio <= GOAL_LATENCY_RATIO &&
    score.p99Ratio <= GOAL_LATENCY_RATIO &&
    score.allDelivered;
  score.met = score.latencyMet && score.cpuRatio <= GOAL_CPU_RATIO;
  return score;
}

/** `name`'s runs ÷ plain's, pair by pair (the runs are interleaved), for p50, p99 and CPU. */
function perRunRatios(runs, name) {
  const of = (pick) =>
    runs[name]
      .map((x, i) => {
        const peer = runs[PLAIN][i];
        return x.result && peer?.result ? ratio(pick(x.result) / pick(peer.result)) : 'failed';
      })
      .join(' / ');
  return `p50 ${of(p50)}, p99 ${of(p99)}, CPU ${of(cpu)}`;
}

const isLibrary = (name) => name === EXPRESS || name === FASTIFY;

function tableOf(ctx, contenders, runs, scores, clients) {
  const med = (name, pick) => medianOf(runs[name], pick);
  const vsPlain = (name, key) => (name === PLAIN ? '-' : ratio(scores[name][key]));
  const rows = contenders.map(({ name }) => {
    const r = runs[name];
    const loopStall = (pick) => fixed(med(name, pick), 0);
    return [
      name,
      fixed(med(name, p50)),
      fixed(med(name, p99)),
      ...perRun(r, (x) => fixed(x.p99Ms)),
      fixed(med(name, (x) => x.p999Ms)),
      fixed(med(name, (x) => x.maxMs)),
      fixed(med(name, cpu), 1),
      perRun(r, (x) => fixed(x.cpuPercent, 1)).join(' / '),
      vsPlain(name, 'p50Ratio'),
      vsPlain(name, 'p99Ratio'),
      vsPlain(name, 'cpuRatio'),
      perRun(r, deliveryText).join(' / '),
      fixed(
        med(name, (x) => x.connect.burstMs / 1000),
        2,
      ),
      `${loopStall((x) => x.serverLoopMaxMs)} / ${loopStall((x) => x.clientLoopMaxMs)}`,
      perRun(r, (x) => fixed(x.loadAverage, 1)).join(' / '),
      isLibrary(name) ? GOAL : '-',
      verdict(isLibrary(name) ? scores[name].met : undefined),
    ];
  });
  return table(
    [
      'contender',
      ...latencyHeaders(ctx.runs),
      'server CPU %',
      'CPU per run',
      'p50 ÷ plain',
      'p99 ÷ plain',
      'CPU ÷ plain',
      'deliveries per run',
      `connect ${int(clients)} s`,
      'loop stall ms, server / clients',
      'load avg at run start',
      'goal',
      'result',
    ],
    rows,
  );
}

function headlineOf(scores, { CLIENTS, RATE }) {
  const figure = '3. Live delivery latency';
  const express = scores[EXPRESS];
  const fastify = scores[FASTIFY];
  const plain = scores[PLAIN];
  const better = scores[BETTER_SSE];
  const latency = (s) => `${fixed(s.p99)} ms (${fixed(s.p50)})`;
  const missed = (s) => (s.allDelivered ? '' : ' ⚠ events missed');
  return [
    {
      figure,
      measure: `p99 log() → SSE client (p50), on Express, ${int(CLIENTS)} clients, ${int(RATE)} events/s`,
      ours: `${latency(express)}${missed(express)}`,
      peer: PLAIN,
      peerFigure: latency(plain),
      ratio: `${ratio(express.p99Ratio)} (${ratio(express.p50Ratio)})`,
      goal: `p50 and p99 ≤ ${GOAL_LATENCY_RATIO}× plain, none missed`,
      met: express.latencyMet,
    },
    {
      figure,
      measure: 'server CPU over the logging window, % of one core, on Express',
      ours: `${fixed(express.cpu, 1)}%`,
      peer: PLAIN,
      peerFigure: `${fixed(plain.cpu, 1)}%`,
      ratio: ratio(express.cpuRatio),
      goal: `≤ ${GOAL_CPU_RATIO}× plain`,
      met: express.cpuRatio <= GOAL_CPU_RATIO,
    },
    {
      figure,
      measure: 'the same on Fastify: p99 (p50), server CPU',
      ours: `${latency(fastify)}, ${fixed(fastify.cpu, 1)}%${missed(fastify)}`,
      peer: PLAIN,
      peerFigure: `${latency(plain)}, ${fixed(plain.cpu, 1)}%`,
      ratio: `${ratio(fastify.p99Ratio)} (${ratio(fastify.p50Ratio)}), ${ratio(fastify.cpuRatio)} CPU`,
      goal: GOAL,
      met: fastify.met,
    },
    {
      figure,
      measure: 'the same load on better-sse: p99 (p50), server CPU; ours on Express',
      ours: `${latency(express)}, ${fixed(express.cpu, 1)}%`,
      peer: BETTER_SSE,
      peerFigure: `${latency(better)}, ${fixed(better.cpu, 1)}%`,
      ratio: `${ratio(express.p99 / better.p99)} p99, ${ratio(express.cpu / better.cpu)} CPU`,
      goal: '- (for scale)',
      met: undefined,
    },
  ];
}

function methodText({ CLIENTS, TASKS, SECONDS, RATE, WARMUP_SECONDS }, contenders, skewMs) {
  return (
    `Each run starts the server in one child process and ${int(CLIENTS)} SSE clients in another ` +
    '(plain `node:http` requests with `agent: false`, one socket each, parsing frames as they come and `JSON.parse`-ing ' +
    `each \`data:\` line), client *i* filtered to \`task_id=task-(i mod ${TASKS})\`, so ${CLIENTS / TASKS} clients per task. ` +
    `Once every client has its first frame, the server logs ${int(RATE)} events per second, task \`task-(seq mod ${TASKS})\` ` +
    `(the seed's fields plus \`seq\` and \`sent_at\`), for ${WARMUP_SECONDS} s untimed then ${SECONDS} s timed: a 1 ms timer logs the ` +
    'events that are due (1 or 2 per turn), stamping `sent_at = performance.timeOrigin + performance.now()` just before ' +
    "`log()` (or the peer's equivalent). The client computes latency = its own `performance.timeOrigin + performance.now()` " +
    '- `sent_at` on receipt. Both processes are on the same machine and that sum is CLOCK_REALTIME at process start plus ' +
    `CLOCK_MONOTONIC since: the two processes' stamps differ by at most ${fixed(skewMs * 1000, 0)} µs ` +
    '(measured each run against `process.hrtime`, which is the same clock in every process). Server CPU is ' +
    '`process.cpuUsage()` (user + system) of the server process over the timed window, as % of one core, the ' +
    'pacing timer included (the same for every contender). Every client counts what it received per `seq`: missing, doubled ' +
    `or other tasks' events; the client waits for stragglers up to 2 s after the last event. Same events, same rate, same ` +
    `stamping for all ${contenders.length}:`
  );
}

async function run(ctx) {
  const size = ctx.quick ? QUICK : FULL;
  const { CLIENTS, TASKS, SECONDS, RATE, WARMUP_SECONDS, PROFILE_SECONDS } = size;
  const CONTENDERS = contenders(size);
  ctx.progress(
    `Figure 3: ${int(CLIENTS)} SSE clients, ${int(RATE)} events/s for ${SECONDS} s (+${WARMUP_SECONDS} s warm-up), ` +
      `${CONTENDERS.length} contenders x ${ctx.runs} runs`,
  );
  const runs = await ctx.runInterleaved(
    CONTENDERS,
    (r) =>
      `p50 ${fixed(r.p50Ms)} ms, p99 ${fixed(r.p99Ms)} ms, p99.9 ${fixed(r.p999Ms)} ms, ` +
      `server CPU ${fixed(r.cpuPercent, 1)}%, ${deliveryText(r)}`,
  );
  const scores = Object.fromEntries(CONTENDERS.map((c) => [c.name, scoreOf(runs, c.name)]));
  const skews = ok(Object.values(runs).flat()).map((r) =>
    Math.abs(r.clientClockOffsetMs - r.serverClockOffsetMs),
  );
  const notes = CONTENDERS.flatMap((c) => failures(c.name, runs[c.name]));
  const section = [
    methodText(size, CONTENDERS, Math.max(...skews)),
    '',
    ...CONTENDERS.map((c) => `- **${c.name}**: ${c.how}.`),
    '',
    `Goals, for both library rows (Express is the headline's): ${GOAL}, on the medians over the runs; ` +
      '"÷ plain" is a row\'s median over plain node:http\'s. With the fast path on, both serve the streams from the same ' +
      "code, writing to node:http's own responses: the rows differ by the adapter (the HTTP server it creates, its work on " +
      'other routes, compression).',
    '',
    'Latency includes both event loops (server and client process) and the loopback TCP stack; on this 2-core machine ' +
      'the client process and whatever else runs compete with the server for the CPU. To tell where a tail comes from, ' +
      'both processes watch their own event loop over the timed window (`monitorEventLoopDelay`, resolution 5 ms): the ' +
      '"loop stall" column is the longest delay each saw (JS busy, GC, or the process waiting for a CPU), median over runs.',
    '',
    tableOf(ctx, CONTENDERS, runs, scores, CLIENTS),
    '',
    `Ratios to the plain server per run (interleaved pairs): ${EXPRESS}: ${perRunRatios(runs, EXPRESS)}; ` +
      `${FASTIFY}: ${perRunRatios(runs, FASTIFY)}. ` +
      `Figures are medians over ${ctx.runs} runs; a run's percentiles are over all ${int((CLIENTS / TASKS) * RATE * SECONDS)} timed deliveries.`,
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');

  return {
    headline: headlineOf(scores, size),
    section,
    raw: {
      clients: CLIENTS,
      tasks: TASKS,
      seconds: SECONDS,
      rate: RATE,
      warmupSeconds: WARMUP_SECONDS,
      runs,
    },
    profile: {
      subject: `the ${EXPRESS} server process (window: ${PROFILE_SECONDS} s of logging)`,
      spec: spec(size, 'library', PROFILE_SECONDS),
    },
  };
}

module.exports = { id: 'fig3', title: 'Figure 3: Live delivery latency', runs: 3, run };
