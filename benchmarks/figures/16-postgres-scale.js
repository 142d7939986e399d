'use strict';
/**
 * Figure 16, the PostgreSQL history store at scale:
 *
 * (a) queries with millions of events stored (children/pg-scale-queries.js): the newest 100 of one
 *     task, a whole run, `runs` of the last 24 h and `q=` over the last hour, through the module's
 *     own query code, at each size of a growth curve (1 M, 3 M, 10 M events: one child that seeds
 *     by COPY in stages and measures at each);
 * (b) scale-out queries (children/pg-scale-http.js): the demo app with the Redis bus, the newest
 *     100 events of one task over HTTP, with the PostgreSQL module at a short and a full stream
 *     (its default length), against the Redis bus alone at the full stream (the whole-stream read
 *     the store replaces), one at a time and ten at once with the app's RSS before and after;
 * (c) the write path: figure 1's EventLogger child with and without the store ingesting meanwhile.
 *
 * Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust; `ORCH_BENCH_PG_URL`) and Redis
 * (`REDIS_URL`, default 127.0.0.1:6379); each child makes its own database and stream key and
 * removes them. Without either, the figure says it was skipped (under `CI=true` it fails).
 */
const { DEMO_MAIN } = require('../lib/demo-app');
const { serviceUp } = require('../lib/services');

const FULL = {
  SIZES: [1_000_000, 3_000_000, 10_000_000],
  SHORT: 1_000,
  LONG: 100_000,
  SEQUENTIAL: 200,
  ROUNDS: 10,
  PEER_SEQUENTIAL: 20,
  PEER_ROUNDS: 2,
  WRITE_EVENTS: 200_000,
};
const QUICK = {
  SIZES: [30_000, 60_000],
  SHORT: 1_000,
  LONG: 2_000,
  SEQUENTIAL: 50,
  ROUNDS: 2,
  PEER_SEQUENTIAL: 5,
  PEER_ROUNDS: 1,
  WRITE_EVENTS: 20_000,
};
const GOALS = { task: 20, run: 20, runs24h: 20, qHour: 100 };
const QUERY_NAMES = {
  task: 'newest 100 of one task',
  run: 'a whole run (`run_id=`)',
  runs24h: '`runs` of the last 24 h',
  qHour: '`q=<word>` over the last hour',
};
const GOAL_HTTP_P99_MS = 20;
/** "Without memory growth": the RSS after ten-at-once rounds within this much of before. */
const GOAL_RSS_GROWTH_MB = 32;
const GOAL_WRITE_RATIO = 0.9;
/** Runs of (c), each contender, in a full run: see writePath(). */
const WRITE_RUNS = 11;

/** (a): one child, one run: each query is timed hundreds of times at each size. */
async function queries(ctx, size) {
  const { table, verdict } = require('../lib/markdown');
  const { int, fixed } = require('../lib/stats');
  const { lineChart, writeChart } = require('../lib/svg-chart');
  ctx.progress(`  (a) seeding ${size.SIZES.map(int).join(' → ')} events by COPY, querying at each`);
  let result;
  let error;
  try {
    result = await ctx.runChild({
      script: 'pg-scale-queries.js',
      args: [size.SIZES.join(',')],
      timeoutMs: 4 * 3600_000,
    });
  } catch (err) {
    error = err.message;
    ctx.countFailures({ queries: [{ error }] });
  }
  if (!result)
    return { rows: [], section: `(a) failed: \`${error.split('\n')[0]}\``, headline: [] };
  const largest = result.stages[result.stages.length - 1];
  const rows = result.stages.flatMap((stage) =>
    Object.keys(GOALS).map((q) => {
      const s = stage.queries[q];
      const atGoalSize = stage === largest;
      return [
        int(stage.events),
        QUERY_NAMES[q],
        fixed(s.p50Ms),
        fixed(s.p99Ms),
        fixed(s.maxMs),
        fixed(s.meanRows, 1),
        atGoalSize ? `p99 ≤ ${GOALS[q]} ms` : '-',
        atGoalSize ? verdict(s.p99Ms <= GOALS[q]) : '',
      ];
    }),
  );
  const seeding = result.stages
    .map(
      (s) =>
        `${int(s.events)} events: ${(s.databaseBytes / 2 ** 30).toFixed(1)} GiB` +
        (s.seedSeconds ? ` (this stage seeded at ${int(s.seedPerSec)} events/s)` : ''),
    )
    .join('; ');
  const series = Object.keys(GOALS).map((q) => ({
    name: QUERY_NAMES[q].replace(/`/g, ''),
    points: result.stages.map((s) => ({ x: s.events, y: s.queries[q].p99Ms })),
  }));
  const title = 'PostgreSQL history queries by events stored';
  const chart = writeChart(
    ctx.chartsDir,
    'growth-postgres',
    lineChart({
      title,
      xLabel: 'events stored (log scale)',
      yLabel: 'p99, ms',
      xFormat: (x) => (x >= 1e6 ? `${x / 1e6} M` : `${x / 1e3} k`),
      yFormat: (y) => fixed(y, y < 10 ? 1 : 0),
      series,
      note:
        'One run, each point the p99 of 300 queries (100 for q).' +
        (ctx.quick ? ' QUICK MODE sizes, not a result.' : ''),
    }),
    title,
  );
  const headline = Object.keys(GOALS).map((q) => ({
    figure: '16. PostgreSQL at scale',
    measure: `${QUERY_NAMES[q].replace(/`/g, '')}, ${int(largest.events)} events stored, p99`,
    ours: `${fixed(largest.queries[q].p99Ms)} ms`,
    peer: '-',
    peerFigure: '-',
    ratio: '-',
    goal: `≤ ${GOALS[q]} ms`,
    met: largest.queries[q].p99Ms <= GOALS[q],
  }));
  const section = [
    `**(a) Queries with ${int(largest.events)} events stored.** One child seeds a database of its ` +
      "own (the module's migrations; one partition per day) by `COPY ... FROM STDIN` in stages, " +
      `${size.SIZES.map(int).join(' → ')} events: 30 days (the default retention; the history's "now" is 23:30 UTC, so the last hour's day partition is nearly full), 1,000 tasks, ten instances per 10 M, ` +
      'runs of 3 to 20 events a few seconds apart (1 in 12 failed, with a reason such as `quota ' +
      'exceeded on bucket`), messages of words; each line turned into its columns by the ' +
      "module's own `addLine()`, the run rows as the ingest folds them, then `VACUUM ANALYZE` and a `CHECKPOINT`. At " +
      "each size every query runs through the module's own `PostgresHistorySource` (the SQL, " +
      'parsing and page `GET /api/v1/orchestrator/events` and `/runs` get), 20 warm-up then 300 ' +
      'times (100 for `q`), one at a time, a task, run or word at random each time. Database size: ' +
      `${seeding}.`,
    '',
    chart,
    '',
    table(
      ['events stored', 'query', 'p50 ms', 'p99 ms', 'max ms', 'rows (mean)', 'goal', 'result'],
      rows,
    ),
  ].join('\n');
  return { section, headline, raw: result };
}

/** (b): the demo app's history query with the Redis bus, with and without the store. */
async function scaleOut(ctx, size) {
  const { table, verdict } = require('../lib/markdown');
  const { medianOf, perRun, failures } = require('../lib/runs');
  const { int, fixed } = require('../lib/stats');
  const http = (variant, length, sequential, rounds) => ({
    script: 'pg-scale-http.js',
    args: [DEMO_MAIN, variant, String(length), String(sequential), String(rounds)],
    timeoutMs: 900_000,
  });
  const contenders = [
    {
      name: `Redis + PostgreSQL, stream ${int(size.SHORT)}`,
      goal: true,
      spec: http('store', size.SHORT, size.SEQUENTIAL, size.ROUNDS),
    },
    {
      name: `Redis + PostgreSQL, stream ${int(size.LONG)}`,
      goal: true,
      spec: http('store', size.LONG, size.SEQUENTIAL, size.ROUNDS),
    },
    {
      name: `Redis alone, stream ${int(size.LONG)}`,
      goal: false,
      spec: http('redis', size.LONG, size.PEER_SEQUENTIAL, size.PEER_ROUNDS),
    },
  ];
  ctx.progress(`  (b) the demo app's history query with the Redis bus, ${ctx.runs} runs`);
  const runs = await ctx.runInterleaved(
    contenders,
    (r) =>
      `p99 ${fixed(r.sequential.p99Ms)} ms one at a time, ten at once p99 ` +
      `${fixed(r.concurrent.p99Ms)} ms, RSS ${int(r.rssBeforeConcurrentMb)} → ${int(r.rssPeakMb)} MB`,
  );
  const growth = (r) => r.rssPeakMb - r.rssBeforeConcurrentMb;
  const rows = contenders.map((c) => {
    const r = runs[c.name];
    const p99 = medianOf(r, (x) => x.sequential.p99Ms);
    const grew = medianOf(r, growth);
    return [
      c.name,
      fixed(medianOf(r, (x) => x.sequential.p50Ms)),
      fixed(p99),
      perRun(r, (x) => fixed(x.sequential.p99Ms)).join(' / '),
      fixed(medianOf(r, (x) => x.concurrent.p99Ms)),
      `${int(medianOf(r, (x) => x.rssBeforeConcurrentMb))} → ${int(medianOf(r, (x) => x.rssPeakMb))}`,
      c.goal ? `p99 ≤ ${GOAL_HTTP_P99_MS} ms, RSS +≤ ${GOAL_RSS_GROWTH_MB} MB` : '-',
      c.goal ? verdict(p99 <= GOAL_HTTP_P99_MS && grew <= GOAL_RSS_GROWTH_MB) : '',
    ];
  });
  const storeNames = contenders.filter((c) => c.goal).map((c) => c.name);
  const worstP99 = Math.max(...storeNames.map((n) => medianOf(runs[n], (x) => x.sequential.p99Ms)));
  const worstGrowth = Math.max(...storeNames.map((n) => medianOf(runs[n], growth)));
  const peer = contenders[2].name;
  const headline = [
    {
      figure: '16. PostgreSQL at scale',
      measure:
        'scale-out: newest 100 of one task over HTTP, Redis bus + store, p99 (worst stream length)',
      ours: `${fixed(worstP99)} ms`,
      peer: `Redis alone, stream ${int(size.LONG)}`,
      peerFigure: `${fixed(medianOf(runs[peer], (x) => x.sequential.p99Ms))} ms`,
      ratio: '-',
      goal: `≤ ${GOAL_HTTP_P99_MS} ms`,
      met: worstP99 <= GOAL_HTTP_P99_MS,
    },
    {
      figure: '16. PostgreSQL at scale',
      measure: 'scale-out: RSS growth during ten queries at once, Redis bus + store',
      ours: `${fixed(worstGrowth, 0)} MB`,
      peer: `Redis alone, stream ${int(size.LONG)}`,
      peerFigure: `${fixed(medianOf(runs[peer], growth), 0)} MB`,
      ratio: '-',
      goal: `≤ ${GOAL_RSS_GROWTH_MB} MB`,
      met: worstGrowth <= GOAL_RSS_GROWTH_MB,
    },
  ];
  const notes = contenders.flatMap((c) => failures(c.name, runs[c.name]));
  const section = [
    '**(b) Scale-out queries.** Instance A (the library with the Redis bus, and the store when ' +
      "the contender has it) logs as many events as the stream is long (the seed's shape, 1,000 " +
      'tasks) and, with the store, waits until they are ingested; then the built demo app starts ' +
      'as instance B on the same stream (`REDIS_URL`, and `ORCH_HISTORY_URL` on the same database) ' +
      'with empty files of its own. A client process sends `GET /api/v1/orchestrator/events?' +
      `task_id=<t>&limit=100\` one at a time (${size.SEQUENTIAL}; ${size.PEER_SEQUENTIAL} for Redis ` +
      `alone, each reads the whole stream), then ${size.ROUNDS} rounds of ten at once ` +
      `(${size.PEER_ROUNDS} for Redis alone) while the app samples its RSS every 20 ms: "RSS" is ` +
      'before the rounds → the peak during them.',
    '',
    table(
      [
        'contender',
        'p50 ms',
        'p99 ms (median)',
        'p99 per run',
        'ten at once p99 ms',
        'RSS MB',
        'goal',
        'result',
      ],
      rows,
    ),
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');
  return { section, headline, raw: runs };
}

/** (c): figure 1's EventLogger run, with and without the store ingesting meanwhile. */
async function writePath(ctx, size) {
  const { table, verdict } = require('../lib/markdown');
  const { medianOf, perRun, failures } = require('../lib/runs');
  const { int, ratio } = require('../lib/stats');
  const spec = (sink) => ({
    script: 'throughput.js',
    args: [sink, String(size.WRITE_EVENTS), '1000'],
  });
  const contenders = [
    { name: 'EventLogger, store on', spec: spec('event-logger-postgres') },
    { name: 'EventLogger, store off', spec: spec('event-logger') },
  ];
  // Each run lasts about 0.3 s: a ratio of two such medians moves by ±5 % from one set of 3 runs
  // to the next on a shared machine, so this part takes more of them (quick mode: the default).
  const writeRuns = ctx.quick ? ctx.runs : Math.max(ctx.runs, WRITE_RUNS);
  ctx.progress(`  (c) figure 1 with the store on and off, ${writeRuns} runs`);
  const runs = await ctx.runInterleaved(
    contenders,
    (r) => `${int(r.eventsPerSec)} events/s`,
    writeRuns,
  );
  const rate = (name) => medianOf(runs[name], (r) => r.eventsPerSec);
  const on = rate(contenders[0].name);
  const off = rate(contenders[1].name);
  const met = on / off >= GOAL_WRITE_RATIO;
  const section = [
    `**(c) The write path.** Figure 1's child (${int(size.WRITE_EVENTS)} events of the seed's ` +
      'shape, from the first `log()` until every byte is written), the app with ' +
      '`OrchestratorEventsPostgresModule` on a database of its own (migrated before the clock ' +
      'starts; it ingests the file while the run logs, giving way during the burst) and without ' +
      `it, interleaved, ${writeRuns} runs each (a run lasts about 0.3 s: 3 runs are too few ` +
      'for a ratio within 10 %).',
    '',
    table(
      ['contender', 'events/s (median)', 'per run', 'on ÷ off', 'goal', 'result'],
      [
        [
          contenders[0].name,
          int(on),
          perRun(runs[contenders[0].name], (r) => int(r.eventsPerSec)).join(' / '),
          ratio(on / off),
          `≥ ${GOAL_WRITE_RATIO}×`,
          verdict(met),
        ],
        [
          contenders[1].name,
          int(off),
          perRun(runs[contenders[1].name], (r) => int(r.eventsPerSec)).join(' / '),
          '-',
          '-',
          '',
        ],
      ],
    ),
    ...contenders.flatMap((c) => failures(c.name, runs[c.name])),
  ].join('\n');
  const headline = [
    {
      figure: '16. PostgreSQL at scale',
      measure: 'write path: figure 1 events/s with the store on',
      ours: `${int(on)}/s`,
      peer: 'the store off',
      peerFigure: `${int(off)}/s`,
      ratio: ratio(on / off),
      goal: `≥ ${GOAL_WRITE_RATIO}× (within 10 %)`,
      met,
    },
  ];
  return { section, headline, raw: runs };
}

async function run(ctx) {
  const size = ctx.quick ? QUICK : FULL;
  const missing = [
    serviceUp(5432) ? '' : 'PostgreSQL on 127.0.0.1:5432',
    serviceUp(6379) ? '' : 'Redis on 127.0.0.1:6379',
  ].filter(Boolean);
  if (missing.length) {
    if (process.env.CI) throw new Error(`Figure 16 needs ${missing.join(' and ')}`);
    return { headline: [], section: `Skipped: no ${missing.join(', no ')}.` };
  }
  ctx.progress(
    `Figure 16: the PostgreSQL store at ${size.SIZES.map((n) => n.toLocaleString('en')).join(' → ')} events, scale-out, write path`,
  );
  const a = await queries(ctx, size);
  const b = await scaleOut(ctx, size);
  const c = await writePath(ctx, size);
  return {
    headline: [...a.headline, ...b.headline, ...c.headline],
    section: [a.section, b.section, c.section].join('\n\n'),
    raw: { size, queries: a.raw, scaleOut: b.raw, writePath: c.raw },
  };
}

module.exports = {
  id: 'fig16',
  title: 'Figure 16: PostgreSQL history store at scale',
  run,
  runs: 3,
  needsDemoApp: true,
};
