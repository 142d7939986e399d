'use strict';
/**
 * Figure 16's query child: on a database of its own, seeds the events in stages (COPY, see
 * pg-scale-seed.js) up to each size of `sizes` in turn (e.g. 1 M, 3 M, 10 M) and, at each, times
 * the history queries a user makes, through the module's own code (`PostgresHistorySource`: the
 * same SQL, parsing and page as `GET /api/v1/orchestrator/events` and `/runs` get from the store):
 *
 * - `task`: the newest 100 events of one task (a task picked at random each time);
 * - `run`: a whole run (`run_id=`, every event of one run picked at random);
 * - `runs24h`: `runs` of the last 24 h (the newest 100 by `started_at`);
 * - `qHour`: `q=<word>` over the last hour (a rare or a common word in turn).
 *
 *   node -r benchmarks/children/preload.js benchmarks/children/pg-scale-queries.js 1000000,3000000
 *
 * `ORCH_BENCH_KEEP_DB=1` keeps the database (its name is printed) for EXPLAIN by hand;
 * `ORCH_BENCH_PG_DB=<name>` measures a kept database again (migrated first: a new migration
 * applies) without seeding.
 */
const path = require('node:path');
const { LIBRARY, report, runMain } = require('./shared');
const { latencySummary } = require('../lib/stats');
const { seed, prepare, seedNow, SCHEMA, TASKS, FAILURES } = require('./pg-scale-seed');

const ADMIN_URL = process.env.ORCH_BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const WARMUP = 20;
const TIMES = { task: 300, run: 300, runs24h: 300, qHour: 100 };

async function timed(times, fn) {
  for (let i = 0; i < WARMUP; i++) await fn(i + times);
  const ms = [];
  let rows = 0;
  for (let i = 0; i < times; i++) {
    const t = process.hrtime.bigint();
    rows += await fn(i);
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { ...latencySummary(ms), meanRows: rows / times };
}

/** Each query `TIMES` times through the store's source; the seeded `now` anchors the windows. */
async function measure(source, now, sampleRuns) {
  // Rare words (a failure's: a few hundred rows a day) and common ones (`warehouse` in about one
  // step message in 12, `rows` in every step's): the trigram index helps the first, not the last.
  const words = [...FAILURES.map((f) => f.split(' ')[0]), 'warehouse', 'rows'];
  let seedN = 7;
  const pick = (n) => {
    seedN = (seedN * 1103515245 + 12345) % 2147483648;
    return seedN % n;
  };
  const hourAgo = new Date(now - 3_600_000).toISOString();
  const dayAgo = new Date(now - 86_400_000).toISOString();
  return {
    task: await timed(TIMES.task, async () => {
      const page = await source.query({ task_id: `task-${pick(TASKS)}`, limit: 100 });
      return page.events.length;
    }),
    run: await timed(TIMES.run, async () => {
      const page = await source.query({ run_id: sampleRuns[pick(sampleRuns.length)] });
      return page.events.length;
    }),
    runs24h: await timed(TIMES.runs24h, async () => {
      const page = await source.runs({ since: dayAgo });
      return page.runs.length;
    }),
    qHour: await timed(TIMES.qHour, async (i) => {
      const page = await source.query({ q: words[i % words.length], since: hourAgo });
      return page.events.length;
    }),
  };
}

async function main() {
  const { Client, Pool } = require('pg');
  const { PostgresHistorySource } = require(
    path.join(LIBRARY, 'postgres', 'postgres-history.source'),
  );
  const sizes = process.argv[2].split(',').map(Number);
  const kept = process.env.ORCH_BENCH_PG_DB;
  const name = kept ?? `orch_bench_scale_${process.pid}`;
  const admin = new Client(ADMIN_URL);
  await admin.connect();
  if (!kept) await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const pool = new Pool({ connectionString: url.toString(), max: 2 });
  pool.on('error', () => undefined);
  const source = new PostgresHistorySource(
    pool,
    SCHEMA,
    () => true,
    () => ({ name: 'postgres', status: 'up' }),
  );
  const stages = [];
  try {
    // One `now` for the whole run: every stage's events end there, and the windows start from it.
    const meta = kept
      ? (await pool.query(`SELECT max(ts) AS now FROM "${SCHEMA}".events`)).rows[0]
      : undefined;
    const now = kept ? meta.now.getTime() : seedNow();
    await prepare(pool, now);
    let stored = kept
      ? Number((await pool.query(`SELECT count(*) AS n FROM "${SCHEMA}".events`)).rows[0].n)
      : 0;
    let sampleRuns = [];
    if (kept) {
      const { rows } = await pool.query(
        `SELECT run_id FROM "${SCHEMA}".runs TABLESAMPLE SYSTEM (1) LIMIT 10000`,
      );
      sampleRuns = rows.map((row) => row.run_id);
    }
    for (const [stage, size] of sizes.entries()) {
      let seeded;
      if (size > stored) {
        seeded = await seed(pool, stage, size - stored, now);
        stored += seeded.events;
        sampleRuns = sampleRuns.concat(seeded.sampleRuns);
      }
      const bytes = Number(
        (await pool.query('SELECT pg_database_size(current_database()) AS b')).rows[0].b,
      );
      const queries = await measure(source, now, sampleRuns);
      const stageResult = {
        events: stored,
        seedSeconds: seeded?.seconds,
        seedPerSec: seeded ? seeded.events / seeded.seconds : undefined,
        databaseBytes: bytes,
        queries,
      };
      stages.push(stageResult);
      process.stderr.write(
        `${stored} events (${(bytes / 2 ** 30).toFixed(2)} GiB` +
          `${seeded ? `, seeded in ${seeded.seconds.toFixed(0)} s` : ''}): ` +
          Object.entries(queries)
            .map(([q, s]) => `${q} p50 ${s.p50Ms.toFixed(2)} p99 ${s.p99Ms.toFixed(2)} ms`)
            .join(', ') +
          '\n',
      );
    }
  } finally {
    await pool.end();
    if (process.env.ORCH_BENCH_KEEP_DB === '1' || kept) {
      process.stderr.write(`kept database ${name}\n`);
    } else {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
    await admin.end();
  }
  report({ variant: 'queries', sizes, stages });
}

runMain(main);
