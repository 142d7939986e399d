import type { Pool } from 'pg';

/**
 * The schema, as numbered migrations: each runs once, in its own transaction, recorded in
 * `schema_migrations`. Append new ones; never edit one that has shipped. `s` is the schema name,
 * already checked to be a plain identifier (it comes from the options, never from a request).
 */
export const MIGRATIONS: readonly { version: number; sql: (s: string) => string }[] = [
  {
    version: 1,
    sql: (s) => `
      -- Search: a trigram index answers LIKE '%word%'. Needs CREATE on the database, or a
      -- superuser, once (see docs/postgres.md); IF NOT EXISTS when an administrator did it before.
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
      -- Every instance's events; one partition per UTC day, so retention drops whole tables.
      -- A unique key must hold the partition key: (event_id, ts). An event's ts never changes, so
      -- the same event always lands on the same row and a re-sent batch changes nothing.
      CREATE TABLE "${s}".events (
        ts timestamptz NOT NULL,
        event_id text COLLATE "C" NOT NULL,
        orch_id text COLLATE "C" NOT NULL,
        level smallint NOT NULL,
        event text COLLATE "C" NOT NULL,
        task_id text COLLATE "C",
        run_id text COLLATE "C",
        search text NOT NULL,
        extras jsonb,
        line text NOT NULL,
        PRIMARY KEY (event_id, ts)
      ) PARTITION BY RANGE (ts);
      CREATE INDEX events_task_idx ON "${s}".events (task_id, event_id);
      CREATE INDEX events_run_idx ON "${s}".events (run_id, event_id);
      CREATE INDEX events_event_idx ON "${s}".events (event, event_id);
      CREATE INDEX events_level_idx ON "${s}".events (level, event_id);
      CREATE INDEX events_ts_idx ON "${s}".events (ts);
      CREATE INDEX events_search_idx ON "${s}".events USING gin (search gin_trgm_ops);
      CREATE INDEX events_extras_idx ON "${s}".events USING gin (extras jsonb_path_ops);
      -- How far each instance has ingested its own files, written with each batch.
      CREATE TABLE "${s}".ingest_checkpoints (
        orch_id text COLLATE "C" PRIMARY KEY,
        last_event_id text COLLATE "C" NOT NULL,
        lines bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 2,
    sql: (s) => `
      -- Runs as records (the contract's foldRun over a run's events), kept up to date in the
      -- transaction of each ingested batch. started_at is the logger's ISO text in the "C"
      -- collation: it orders and compares exactly as the files' fold compares the strings.
      -- record: the RunRecord as JSON, what the API returns; the other columns are its filters.
      CREATE TABLE "${s}".runs (
        run_id text COLLATE "C" PRIMARY KEY,
        task_id text COLLATE "C",
        status text COLLATE "C" NOT NULL,
        started_at text COLLATE "C" NOT NULL,
        -- The run's newest event time: retention deletes the runs whose events are all gone.
        last_ts timestamptz NOT NULL,
        record text NOT NULL
      );
      CREATE INDEX runs_started_idx ON "${s}".runs (started_at DESC, run_id DESC);
      CREATE INDEX runs_task_idx ON "${s}".runs (task_id, started_at DESC, run_id DESC);
      CREATE INDEX runs_status_idx ON "${s}".runs (status, started_at DESC, run_id DESC);
      CREATE INDEX runs_last_ts_idx ON "${s}".runs (last_ts);
      -- Events stored before this version have no run rows: runs are folded from ingest on.
    `,
  },
];

/**
 * Brings the schema to the newest version, once, whatever the number of instances starting at
 * the same moment: the first takes a session advisory lock, the others wait on it and then find
 * nothing left to do. Returns the versions this call applied.
 */
export async function migrate(pool: Pool, schema: string): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`orchestrator_events:${schema}`]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS "${schema}".schema_migrations (
           version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const done = await client.query<{ version: number }>(
        `SELECT version FROM "${schema}".schema_migrations`,
      );
      const have = new Set(done.rows.map((row) => row.version));
      for (const migration of MIGRATIONS) {
        if (have.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql(schema));
          await client.query(`INSERT INTO "${schema}".schema_migrations (version) VALUES ($1)`, [
            migration.version,
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
        applied.push(migration.version);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [
        `orchestrator_events:${schema}`,
      ]);
    }
  } finally {
    client.release();
  }
  return applied;
}
