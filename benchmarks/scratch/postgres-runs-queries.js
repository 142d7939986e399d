'use strict';
/**
 * Scratch measurement (not a figure): runs of the last 24 h and the newest 100 runs of one task,
 * from the PostgreSQL store's `runs` table, with N events (and their runs) loaded by
 * `INSERT ... SELECT generate_series` shaped like real rows (not through the app), over 7 days.
 * Runs on a database of its own, dropped at the end.
 *
 *   TS_NODE_PROJECT=tsconfig.base.json TS_NODE_TRANSPILE_ONLY=1 node -r ts-node/register \
 *     -r tsconfig-paths/register benchmarks/scratch/postgres-runs-queries.js [events=1000000]
 */
const { Pool, Client } = require('pg');
const { migrate } = require('../../libs/orchestrator-events/src/postgres/postgres.migrations');
const {
  Partitions,
  dayOf,
} = require('../../libs/orchestrator-events/src/postgres/postgres.partitions');
const { queryRuns } = require('../../libs/orchestrator-events/src/postgres/postgres-runs.query');
const {
  queryCounts,
} = require('../../libs/orchestrator-events/src/postgres/postgres-counts.query');

const ADMIN = process.env.ORCH_BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const N = Number(process.argv[2] || 1_000_000);
const EVENTS_PER_RUN = 10;
const TASKS = 200;
const DAYS = 7;
const S = 'orchestrator_events';

async function p99(label, times, fn) {
  const ms = [];
  for (let i = 0; i < times; i++) {
    const t = process.hrtime.bigint();
    await fn(i);
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const at = (q) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))].toFixed(2);
  console.log(`${label}: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms (${times} queries)`);
}

async function main() {
  const name = `orch_bench_${process.pid}`;
  const admin = new Client(ADMIN);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN);
  url.pathname = `/${name}`;
  const pool = new Pool({ connectionString: url.toString(), max: 2 });
  pool.on('error', () => undefined);
  try {
    await migrate(pool, S);
    const now = Date.now();
    const from = now - DAYS * 86_400_000;
    const days = [];
    for (let t = from; t <= now + 86_400_000; t += 86_400_000) days.push(dayOf(t));
    await new Partitions(pool, S).ensure(days);
    const runs = Math.floor(N / EVENTS_PER_RUN);
    const span = (now - from) / 1000;
    let t0 = Date.now();
    // Event i belongs to run i / 10; runs start evenly over the 7 days, 10 events 1 s apart.
    await pool.query(
      `INSERT INTO ${S}.events (ts, event_id, orch_id, level, event, task_id, run_id, search, extras, line)
       SELECT ts, lpad(((extract(epoch FROM ts) * 1000)::bigint)::text, 13, '0') || '-' || lpad((i % 1000000)::text, 6, '0') || '-o-' || (r % 3),
         'o-' || (r % 3), CASE WHEN i % 10 = 9 AND r % 7 = 0 THEN 40 ELSE 20 END,
         CASE i % 10 WHEN 0 THEN 'job_started' WHEN 9 THEN CASE WHEN r % 7 = 0 THEN 'job_failed' ELSE 'job_completed' END ELSE 'job_step' END,
         'task-' || (r % ${TASKS}), 'run-' || r, 'step ' || (i % 10), '{"step":"1"}',
         json_build_object('timestamp', ts, 'level', 'INFO', 'logger', 'orchestrator_events', 'event', 'job_step', 'task_id', 'task-' || (r % ${TASKS}), 'run_id', 'run-' || r)::text
       FROM (SELECT i, i / ${EVENTS_PER_RUN} AS r,
               to_timestamp(${from / 1000} + (i / ${EVENTS_PER_RUN}) * ${span / runs} + (i % ${EVENTS_PER_RUN})) AS ts
             FROM generate_series(0, ${N - 1}) AS i) AS g`,
    );
    console.log(`events: ${N} inserted in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    t0 = Date.now();
    // The runs rows as the ingest's fold leaves them (one per run).
    await pool.query(
      `INSERT INTO ${S}.runs (run_id, task_id, status, started_at, last_ts, record)
       SELECT 'run-' || r, 'task-' || (r % ${TASKS}), CASE WHEN r % 7 = 0 THEN 'failed' ELSE 'success' END,
         to_char(st AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), st + interval '9 s',
         json_build_object('run_id', 'run-' || r, 'task_id', 'task-' || (r % ${TASKS}), 'orch_id', 'o-' || (r % 3),
           'status', CASE WHEN r % 7 = 0 THEN 'failed' ELSE 'success' END,
           'started_at', to_char(st AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'steps_done', 8, 'events', ${EVENTS_PER_RUN})::text
       FROM (SELECT r, to_timestamp(${from / 1000} + r * ${span / runs}) AS st
             FROM generate_series(0, ${runs - 1}) AS r) AS g`,
    );
    await pool.query(`VACUUM ANALYZE ${S}.events`);
    await pool.query(`VACUUM ANALYZE ${S}.runs`);
    console.log(
      `runs: ${runs} inserted and analyzed in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    const since = new Date(now - 86_400_000).toISOString();
    await p99('runs of the last 24 h (limit 100)', 200, () => queryRuns(pool, S, { since }));
    await p99('newest 100 runs of one task', 200, (i) =>
      queryRuns(pool, S, { task_id: `task-${i % TASKS}` }),
    );
    await p99('failed runs of one task, limit 100', 200, (i) =>
      queryRuns(pool, S, { task_id: `task-${i % TASKS}`, status: 'failed' }),
    );
    const first = await queryRuns(pool, S, { since });
    const cursor = first.runs[first.runs.length - 1].run_id;
    await p99('runs of the last 24 h, second page (before)', 200, () =>
      queryRuns(pool, S, { since, before: cursor }),
    );
    await p99('counts of the last 24 h (1 min buckets)', 20, () => queryCounts(pool, S, { since }));
    await p99('counts of one task over 7 days (1 h buckets)', 20, (i) =>
      queryCounts(pool, S, { task_id: `task-${i % TASKS}`, bucket: 3600 }),
    );
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
