'use strict';
/**
 * Figure 16's seeding: events and their run rows, shaped like several busy instances' history,
 * loaded by `COPY ... FROM STDIN` into a database migrated by the module's own migrations. Each
 * line is built as JSON and turned into its columns by the module's own `addLine()` (event-rows),
 * so `search` and `extras` are exactly what the ingest would store.
 *
 * The spread: events over the last `DAYS` days (one partition each, as the module makes them; 30, the
 * default retention),
 * `TASKS` tasks, runs of 3 to 20 events a few seconds apart (a start, steps, then a completion or,
 * for 1 run in 12, a failure; a run that would end after `now` is still running), messages of
 * words drawn from a vocabulary (the failures' carry `quota`, `timeout`, ... for `q=`), and ten
 * instances (`orch_id`) per 10 M events.
 */
const path = require('node:path');
const { Readable } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const { LIBRARY, random } = require('./shared');

const SCHEMA = 'orchestrator_events';
// The demo app's default retention (ORCH_HISTORY_RETENTION=30d): as many day partitions.
const DAYS = 30;
const TASKS = 1000;
const DAY = 86_400_000;
const WORDS = [
  'extract',
  'transform',
  'load',
  'partition',
  'upload',
  'download',
  'parquet',
  'warehouse',
  'ledger',
  'invoice',
  'customer',
  'orders',
  'snapshot',
  'backfill',
  'compaction',
  'shard',
  'replica',
  'bucket',
  'manifest',
  'checksum',
  'archive',
  'report',
  'metrics',
  'billing',
];
const FAILURES = [
  'quota exceeded on bucket',
  'upstream timeout after 30 s',
  'connection refused by warehouse',
  'checksum mismatch in manifest',
  'permission denied writing ledger',
];
const ROWS_PER_CHUNK = 2000;

/** The logger's timestamp text: microseconds and `Z`. */
const iso = (ms) => `${new Date(ms).toISOString().slice(0, -1)}000Z`;

const esc = (v) =>
  v === null || v === undefined
    ? '\\N'
    : String(v).replace(
        /[\\\t\n\r]/g,
        (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c],
      );

/**
 * The events of one run, as lines, and its run record. `ids` hands out this instance's event ids
 * (`<ms>-<seq>-<orch>`, unique within the instance).
 */
function makeRun(next, runId, orch, ids, startMs, now) {
  const task = `task-${Math.floor(next() * TASKS)}`;
  const steps = 1 + Math.floor(next() * 18);
  const failed = next() < 1 / 12;
  const events = [];
  let t = startMs;
  const add = (event, level, message, extra) => {
    if (t > now) return false;
    const ms = Math.floor(t);
    events.push({
      timestamp: iso(ms),
      level,
      event,
      event_id: `${String(ms).padStart(13, '0')}-${String(ids.seq++).padStart(6, '0')}-${orch}`,
      orch_id: orch,
      task_id: task,
      run_id: runId,
      message,
      ...extra,
    });
    t += 500 + next() * 8000;
    return true;
  };
  const word = () => WORDS[Math.floor(next() * WORDS.length)];
  add('job_started', 'INFO', `Job started: ${word()} ${word()}`, { steps_total: steps });
  let done = 0;
  for (let s = 1; s <= steps; s++) {
    const rows = Math.floor(next() * 100_000);
    if (!add('job_step', 'INFO', `${word()} ${word()} step ${s}: ${rows} rows`, { step: s, rows }))
      break;
    done = s;
  }
  let status = 'running';
  let failure;
  if (failed) {
    failure = `${FAILURES[Math.floor(next() * FAILURES.length)]} ${word()}`;
    if (add('job_failed', 'ERROR', `Job failed: ${failure}`, { error: { message: failure } }))
      status = 'failed';
  } else if (add('job_completed', 'INFO', 'Job completed successfully', { status: 'success' })) {
    status = 'success';
  }
  const first = events[0];
  const last = events[events.length - 1];
  const startedAt = first.timestamp;
  const lastMs = Date.parse(last.timestamp);
  const record = {
    run_id: runId,
    task_id: task,
    orch_id: orch,
    status,
    started_at: startedAt,
    ended_at: status === 'running' ? null : last.timestamp,
    duration_ms: status === 'running' ? null : lastMs - Date.parse(startedAt),
    steps_done: done,
    steps_total: steps,
    failure: status === 'failed' ? failure : null,
    first_event_id: first.event_id,
    last_event_id: last.event_id,
    events: events.length,
  };
  return { lines: events.map((e) => JSON.stringify(e)), record, lastMs };
}

async function copyRows(pool, sql, chunks) {
  const { from } = require('pg-copy-streams');
  const client = await pool.connect();
  try {
    await client.query('SET synchronous_commit = off');
    await pipeline(Readable.from(chunks), client.query(from(sql)));
  } finally {
    client.release();
  }
}

/**
 * Adds `count` events (stage `stage`, so ids and run ids never repeat) over the `DAYS` days before
 * `now`; resolves with the run ids made (a sample for the whole-run query) and the seconds taken.
 */
async function seed(pool, stage, count, now) {
  const { addLine, emptyColumns } = require(path.join(LIBRARY, 'postgres', 'event-rows'));
  const next = random(1000 + stage);
  const from = now - DAYS * DAY;
  const runs = [];
  const sampleRuns = [];
  const t0 = process.hrtime.bigint();
  let made = 0;
  let instance = -1;
  let ids;
  let orch;
  let r = 0;
  function* chunks() {
    while (made < count) {
      const columns = emptyColumns();
      for (let n = 0; n < ROWS_PER_CHUNK && made < count;) {
        // A new instance every 900,000 events: its 6-digit sequence never wraps.
        if (instance < 0 || ids.seq > 900_000) {
          instance++;
          orch = `o-${stage}-${instance}`;
          ids = { seq: 0 };
        }
        const runId = `run-${stage}-${r++}`;
        const run = makeRun(next, runId, orch, ids, from + next() * DAY * DAYS, now);
        for (const line of run.lines) addLine(columns, line);
        runs.push({ record: run.record, lastMs: run.lastMs });
        if (sampleRuns.length < 10_000 && next() < 0.01) sampleRuns.push(runId);
        n += run.lines.length;
        made += run.lines.length;
      }
      let text = '';
      for (let i = 0; i < columns.ts.length; i++) {
        text += `${columns.ts[i]}\t${columns.event_id[i]}\t${columns.orch_id[i]}\t${columns.level[i]}\t${esc(columns.event[i])}\t${esc(columns.task_id[i])}\t${esc(columns.run_id[i])}\t${esc(columns.search[i])}\t${esc(columns.extras[i])}\t${esc(columns.line[i])}\n`;
      }
      yield text;
    }
  }
  await copyRows(
    pool,
    `COPY "${SCHEMA}".events (ts, event_id, orch_id, level, event, task_id, run_id, search, extras, line) FROM STDIN`,
    chunks(),
  );
  function* runChunks() {
    for (let i = 0; i < runs.length; i += ROWS_PER_CHUNK) {
      let text = '';
      for (const { record, lastMs } of runs.slice(i, i + ROWS_PER_CHUNK)) {
        text += `${record.run_id}\t${record.task_id}\t${record.status}\t${record.started_at}\t${iso(lastMs)}\t${esc(JSON.stringify(record))}\n`;
      }
      yield text;
    }
  }
  await copyRows(
    pool,
    `COPY "${SCHEMA}".runs (run_id, task_id, status, started_at, last_ts, record) FROM STDIN`,
    runChunks(),
  );
  await pool.query(`VACUUM ANALYZE "${SCHEMA}".events`);
  await pool.query(`VACUUM ANALYZE "${SCHEMA}".runs`);
  // The seed's dirty pages written now, not while the queries are timed (a full run's p99 of a
  // run's page was 35 ms, its p50 0.75 ms: the 10 M stage's checkpoint landed in the timing).
  await pool.query('CHECKPOINT');
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { events: made, runs: runs.length, sampleRuns, seconds };
}

/** The schema by the module's migrations, and a partition for each day the rows fall on. */
async function prepare(pool, now) {
  const { migrate } = require(path.join(LIBRARY, 'postgres', 'postgres.migrations'));
  const { Partitions, dayOf } = require(path.join(LIBRARY, 'postgres', 'postgres.partitions'));
  await migrate(pool, SCHEMA);
  const days = [];
  for (let t = now - DAYS * DAY; t <= now + DAY; t += DAY) days.push(dayOf(t));
  await new Partitions(pool, SCHEMA).ensure(days);
}

/**
 * The seeded history's "now": 23:30 UTC today, so that the day partition holding the last hour is
 * nearly full (the worst time of day for `q=` over the last hour, which reads that partition's
 * trigram index), whatever the hour the benchmark runs.
 */
function seedNow() {
  return Math.floor(Date.now() / DAY) * DAY + 23.5 * 3_600_000;
}

module.exports = { seed, prepare, seedNow, SCHEMA, DAYS, TASKS, FAILURES };
