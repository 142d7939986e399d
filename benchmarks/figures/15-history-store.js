'use strict';
/**
 * Figure 15, the PostgreSQL history store: how fast it ingests (events/s from the files into
 * PostgreSQL, in batches) against the same rows by `COPY ... FROM STDIN` (pg-copy-streams: the
 * practical limit) and by one `INSERT` per event (what a store that writes each event does), and
 * how long an event takes from `log()` to being visible to a query through PostgreSQL while the app
 * logs 5,000 events/s.
 *
 * Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust; `.ci/run` starts it): each child
 * creates a database of its own and drops it.
 *
 * This file is also the child that measures one contender: `15-history-store.js --child <variant>
 * <n> [seconds]` (the runner starts it like the other children).
 */
const path = require('node:path');
const { serviceUp, withDatabase } = require('../lib/services');

const ADMIN_URL = process.env.ORCH_BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const FULL = { EVENTS: 200_000, SINGLE: 20_000, RATE: 5_000, SECONDS: 20 };
const QUICK = { EVENTS: 20_000, SINGLE: 2_000, RATE: 5_000, SECONDS: 3 };
const GOAL_COPY = 0.7;
const GOAL_INSERT = 10;
const GOAL_LAG_P99_MS = 1000;

// ---------------------------------------------------------------------------------------------
// The child: one contender, in a fresh process, on a database of its own.

/** An app context with the core (and the store when `url` is given) on `logFile`. */
async function startApp(LIBRARY, logFile, orchId, url) {
  require('reflect-metadata');
  const { Module } = require('@nestjs/common');
  const { NestFactory } = require('@nestjs/core');
  const { OrchestratorEventsModule } = require(LIBRARY);
  const { OrchestratorEventsPostgresModule } = require(path.join(LIBRARY, 'postgres'));
  class BenchModule {}
  Module({
    imports: [
      OrchestratorEventsModule.forRoot({
        logFile,
        orchId,
        maxSize: '256m',
        maxFiles: 2,
        env: {},
        controller: false,
      }),
      ...(url ? [OrchestratorEventsPostgresModule.forRoot({ url, env: {} })] : []),
    ],
  })(BenchModule);
  return NestFactory.createApplicationContext(BenchModule, { logger: ['error', 'warn'] });
}

/** The log file of `n` events, written by the library itself (the store's input). */
async function writeFile(LIBRARY, dir, n) {
  const { makeEvents, yieldToLoop } = require('../children/shared');
  const { EventLogger } = require(LIBRARY);
  const logFile = path.join(dir, 'events.log');
  const app = await startApp(LIBRARY, logFile, 'o-bench');
  const logger = app.get(EventLogger);
  const events = makeEvents(n);
  for (let i = 0; i < n; i++) {
    logger.log(events[i]);
    if ((i + 1) % 1000 === 0) await yieldToLoop();
  }
  await logger.flush();
  await app.close();
  const fs = require('node:fs');
  const lines = fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
  return { logFile, lines };
}

/** The schema, migrated, and the partitions the rows need (so no contender pays for them). */
async function prepare(LIBRARY, url, lines) {
  const { Pool } = require('pg');
  const { migrate } = require(path.join(LIBRARY, 'postgres', 'postgres.migrations'));
  const { Partitions, dayOf } = require(path.join(LIBRARY, 'postgres', 'postgres.partitions'));
  const pool = new Pool({ connectionString: url, max: 2 });
  await migrate(pool, 'orchestrator_events');
  const days = new Set(lines.map((l) => dayOf(Date.parse(JSON.parse(l).timestamp))));
  await new Partitions(pool, 'orchestrator_events').ensure(days);
  return pool;
}

async function child([variant, nArg, secondsArg]) {
  const { freshDir, report, LIBRARY } = require('../children/shared');
  const fs = require('node:fs');
  const n = Number(nArg);
  const dir = freshDir();
  try {
    return await withDatabase(ADMIN_URL, 'orch_bench', async (url) => {
      if (variant === 'lag') return report(await lag(LIBRARY, dir, url, n, Number(secondsArg)));
      const { logFile, lines } = await writeFile(LIBRARY, dir, n);
      const pool = await prepare(LIBRARY, url, lines);
      let seconds;
      if (variant === 'store') {
        await pool.end();
        // The module on the files written above: from its start until every line is stored.
        const { PostgresHistoryStore } = require(path.join(LIBRARY, 'postgres'));
        const app = await startApp(LIBRARY, logFile, 'o-bench', url);
        // From the moment the app is up (its start is no part of ingesting): the rows stored since.
        const start = process.hrtime.bigint();
        const store = app.get(PostgresHistoryStore);
        const before = store.state().ingested;
        const total = () => fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean).length;
        const want = total();
        while (store.state().ingested < want) await new Promise((r) => setTimeout(r, 2));
        seconds = Number(process.hrtime.bigint() - start) / 1e9;
        await app.close();
        return report({
          variant,
          events: want - before,
          seconds,
          eventsPerSec: (want - before) / seconds,
        });
      } else {
        const { addLine, emptyColumns } = require(path.join(LIBRARY, 'postgres', 'event-rows'));
        const columns = emptyColumns();
        for (const line of lines) addLine(columns, line);
        const keys = Object.keys(columns);
        const client = await pool.connect();
        const start = process.hrtime.bigint();
        if (variant === 'copy') {
          const { from } = require('pg-copy-streams');
          const { pipeline } = require('node:stream/promises');
          const { Readable } = require('node:stream');
          const esc = (v) =>
            v === null
              ? '\\N'
              : String(v).replace(
                  /[\\\t\n\r]/g,
                  (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c],
                );
          const rows = function* () {
            for (let i = 0; i < lines.length; i++) {
              yield `${keys.map((k) => esc(columns[k][i])).join('\t')}\n`;
            }
          };
          const copy = client.query(
            from(`COPY orchestrator_events.events (${keys.join(', ')}) FROM STDIN`),
          );
          await pipeline(Readable.from(rows()), copy);
        } else {
          const single = Math.min(n, Number(secondsArg));
          for (let i = 0; i < single; i++) {
            await client.query(
              `INSERT INTO orchestrator_events.events (${keys.join(', ')})
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10) ON CONFLICT DO NOTHING`,
              keys.map((k) => columns[k][i]),
            );
          }
          seconds = Number(process.hrtime.bigint() - start) / 1e9;
          client.release();
          await pool.end();
          return report({ variant, events: single, seconds, eventsPerSec: single / seconds });
        }
        seconds = Number(process.hrtime.bigint() - start) / 1e9;
        client.release();
        await pool.end();
      }
      return report({
        variant,
        events: lines.length,
        seconds,
        eventsPerSec: lines.length / seconds,
      });
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** log() at `rate` events/s for `seconds`; each event's time until PostgreSQL shows it. */
async function lag(LIBRARY, dir, url, rate, seconds) {
  const { makeEvents } = require('../children/shared');
  const { percentile } = require('../lib/stats');
  const { EventLogger } = require(LIBRARY);
  const { PostgresHistoryStore } = require(path.join(LIBRARY, 'postgres'));
  const { Client } = require('pg');
  const app = await startApp(LIBRARY, path.join(dir, 'events.log'), 'o-lag', url);
  await app.get(PostgresHistoryStore).whenReady();
  const logger = app.get(EventLogger);
  const total = rate * seconds;
  const events = makeEvents(total);
  // Visible to a query through PostgreSQL: the checkpoint moves in the batch's own transaction.
  const reader = new Client(url);
  await reader.connect();
  const logged = []; // [id, ms]
  const lags = [];
  let polling = true;
  let next = 0;
  const poller = (async () => {
    while (polling || next < logged.length) {
      const { rows } = await reader.query(
        "SELECT last_event_id FROM orchestrator_events.ingest_checkpoints WHERE orch_id = 'o-lag'",
      );
      const now = performance.now();
      const last = rows[0]?.last_event_id;
      while (last !== undefined && next < logged.length && logged[next][0] <= last) {
        lags.push(now - logged[next][1]);
        next++;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const tick = 10;
  const perTick = Math.max(1, Math.round((rate * tick) / 1000));
  const t0 = performance.now();
  for (let i = 0; i < total;) {
    const due = t0 + (i / rate) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    for (let k = 0; k < perTick && i < total; k++, i++) {
      // Every 10th event is timed: enough samples, little cost.
      const id = logger.log(events[i]);
      if (i % 10 === 0) logged.push([id, performance.now()]);
    }
  }
  const achieved = total / ((performance.now() - t0) / 1000);
  await logger.flush();
  polling = false;
  await poller;
  await reader.end();
  await app.close();
  const sorted = Float64Array.from(lags).sort();
  return {
    variant: 'lag',
    rate,
    achieved,
    samples: lags.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1],
  };
}

if (require.main === module && process.argv[2] === '--child') {
  require('../children/shared').runMain(() => child(process.argv.slice(3)));
}

// ---------------------------------------------------------------------------------------------
// The figure.

async function run(ctx) {
  const { table, verdict } = require('../lib/markdown');
  const { medianOf, perRun, failures } = require('../lib/runs');
  const { int, fixed, ratio } = require('../lib/stats');
  const size = ctx.quick ? QUICK : FULL;
  if (!serviceUp(5432)) {
    if (process.env.CI) throw new Error('Figure 15 needs PostgreSQL on 127.0.0.1:5432');
    return { headline: [], section: 'Skipped: no PostgreSQL on 127.0.0.1:5432.' };
  }
  const script = '../figures/15-history-store.js';
  const contenders = [
    { id: 'store', name: 'the store: batches from the files', args: [String(size.EVENTS)] },
    { id: 'copy', name: 'COPY ... FROM STDIN (pg-copy-streams)', args: [String(size.EVENTS)] },
    {
      id: 'insert',
      name: 'one INSERT per event',
      args: [String(size.EVENTS), String(size.SINGLE)],
    },
    {
      id: 'lag',
      name: `log() → visible at ${int(size.RATE)}/s`,
      args: [String(size.RATE), String(size.SECONDS)],
    },
  ].map((c) => ({
    ...c,
    spec: { script, args: ['--child', c.id, ...c.args], timeoutMs: 600_000 },
  }));
  ctx.progress(
    `Figure 15: ${int(size.EVENTS)} events into PostgreSQL (${int(size.SINGLE)} for one INSERT each), ` +
      `and the lag at ${int(size.RATE)} events/s for ${size.SECONDS} s; ${ctx.runs} runs`,
  );
  const runs = await ctx.runInterleaved(contenders, (r) =>
    r.variant === 'lag'
      ? `p50 ${fixed(r.p50Ms)} ms, p99 ${fixed(r.p99Ms)} ms at ${int(r.achieved)}/s`
      : `${int(r.eventsPerSec)} events/s (${int(r.events)} in ${fixed(r.seconds)} s)`,
  );
  const rate = (id) =>
    medianOf(runs[contenders.find((c) => c.id === id).name], (r) => r.eventsPerSec);
  const lagRuns = runs[contenders.find((c) => c.id === 'lag').name];
  const p99 = medianOf(lagRuns, (r) => r.p99Ms);
  const vsCopy = rate('store') / rate('copy');
  const vsInsert = rate('store') / rate('insert');
  const rows = contenders
    .filter((c) => c.id !== 'lag')
    .map((c) => [
      c.name,
      int(rate(c.id)),
      perRun(runs[c.name], (r) => int(r.eventsPerSec)).join(' / '),
      c.id === 'store' ? '-' : ratio(rate('store') / rate(c.id)),
      c.id === 'copy'
        ? `store ≥ ${GOAL_COPY}×`
        : c.id === 'insert'
          ? `store ≥ ${GOAL_INSERT}×`
          : '-',
      verdict(
        c.id === 'copy'
          ? vsCopy >= GOAL_COPY
          : c.id === 'insert'
            ? vsInsert >= GOAL_INSERT
            : undefined,
      ),
    ]);
  const notes = contenders.flatMap((c) => failures(c.name, runs[c.name]));
  const section = [
    `Each contender is a fresh child process on a database of its own (schema migrated and the day ` +
      `partitions created before the clock starts). The store starts on a log file of ` +
      `${int(size.EVENTS)} events that the library wrote, and is timed from its start until every ` +
      `line is stored (reading the file, parsing each line, one \`INSERT ... SELECT FROM unnest\` ` +
      `and the checkpoint per batch of 5,000). COPY streams the same rows, already built, through ` +
      `\`COPY ... FROM STDIN\` in one transaction; one INSERT per event sends ${int(size.SINGLE)} of ` +
      `them one statement (and commit) at a time. All three write to the same table, indexes and ` +
      `all. The lag run logs ${int(size.RATE)} events/s for ${size.SECONDS} s with the store on; ` +
      'every 10th event is timed from `log()` until the checkpoint (committed with its batch) ' +
      'shows it to a reader polling every 5 ms.',
    '',
    table(
      ['contender', 'events/s (median)', 'per run', 'store ÷ contender', 'goal', 'result'],
      rows,
    ),
    '',
    table(
      ['lag at rate', 'p50 ms', 'p99 ms (median)', 'p99 per run', 'max ms', 'goal', 'result'],
      [
        [
          `${int(size.RATE)}/s`,
          fixed(medianOf(lagRuns, (r) => r.p50Ms)),
          fixed(p99),
          perRun(lagRuns, (r) => fixed(r.p99Ms)).join(' / '),
          fixed(medianOf(lagRuns, (r) => r.maxMs)),
          `p99 ≤ ${GOAL_LAG_P99_MS} ms`,
          verdict(p99 <= GOAL_LAG_P99_MS),
        ],
      ],
    ),
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');
  const headline = [
    {
      figure: '15. History store',
      measure: 'ingest events/s vs COPY FROM STDIN',
      ours: `${int(rate('store'))}/s`,
      peer: 'COPY ... FROM STDIN',
      peerFigure: `${int(rate('copy'))}/s`,
      ratio: ratio(vsCopy),
      goal: `≥ ${GOAL_COPY}×`,
      met: vsCopy >= GOAL_COPY,
    },
    {
      figure: '15. History store',
      measure: 'ingest events/s vs one INSERT per event',
      ours: `${int(rate('store'))}/s`,
      peer: 'one INSERT per event',
      peerFigure: `${int(rate('insert'))}/s`,
      ratio: ratio(vsInsert),
      goal: `≥ ${GOAL_INSERT}×`,
      met: vsInsert >= GOAL_INSERT,
    },
    {
      figure: '15. History store',
      measure: `log() → visible through PostgreSQL at ${int(size.RATE)}/s, p99`,
      ours: `${fixed(p99)} ms`,
      peer: '-',
      peerFigure: '-',
      ratio: '-',
      goal: `≤ ${GOAL_LAG_P99_MS} ms`,
      met: p99 <= GOAL_LAG_P99_MS,
    },
  ];
  return { headline, section, raw: { size, runs } };
}

module.exports = { id: 'fig15', title: 'Figure 15: PostgreSQL history store', run, runs: 3 };
