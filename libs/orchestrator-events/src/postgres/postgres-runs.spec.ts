import * as path from 'node:path';
import {
  CountsQuery,
  foldRun,
  OrchestratorEvent,
  RunRecord,
  RunsQuery,
} from '@orchestrator/events-contract';
import { Pool } from 'pg';
import { filesCounts } from '../testing/files-counts';
import { runsPage } from '../lib/history/runs-query';
import { untilStored, useStoreApps } from '../testing/postgres-app';
import { postgresAvailable, sql } from '../testing/require-postgres';
import { until } from '../testing/require-redis';
import { readEvents } from '../testing/temp-dir';
import { foldRunsInto } from './postgres-runs.fold';
import { migrate } from './postgres.migrations';

const run = postgresAvailable('PostgreSQL runs and counts tests') ? describe : describe.skip;

/** The runs a fold from scratch gives for `events`, taken in event_id order. */
function foldAll(events: OrchestratorEvent[]): Map<string, RunRecord> {
  const byId = new Map<string, RunRecord>();
  const sorted = [...events].sort((a, b) => (a.event_id < b.event_id ? -1 : 1));
  for (const event of sorted) {
    if (typeof event.run_id !== 'string') continue;
    const known = byId.get(event.run_id);
    const record = foldRun(known, event);
    if (known === undefined && record !== undefined) byId.set(event.run_id, record);
  }
  return byId;
}

run('PostgreSQL runs and counts', () => {
  // Batches of 3 lines: a run's events are split across batches (and across instances).
  const pg = useStoreApps({ batchSize: 3 });
  const { start } = pg;

  it('runs from the store equal a fold from scratch of every instance events, a re-sent batch counting nothing twice', async () => {
    let a = await start('o-a');
    const b = await start('o-b');
    // r1 is logged by both instances; r2 fails on a; r3 runs on b; r4 has a step but no end.
    a.logger.log({ event: 'job_started', task_id: 'etl', run_id: 'r1', steps: 3 });
    b.logger.log({ event: 'job_step', task_id: 'etl', run_id: 'r1', step: 1, steps: 3 });
    a.logger.log({ event: 'job_step', task_id: 'etl', run_id: 'r1', step: 2, steps: 3 });
    a.logger.log({ event: 'job_started', task_id: 'etl', run_id: 'r2' });
    a.logger.log({
      event: 'job_failed',
      level: 'ERROR',
      task_id: 'etl',
      run_id: 'r2',
      error: { name: 'Error', message: 'Quota exceeded' },
    });
    b.logger.log({ event: 'report_started', task_id: 'report', run_id: 'r3' });
    b.logger.log({ event: 'job_completed', task_id: 'etl', run_id: 'r1', step: 3, steps: 3 });
    b.logger.log({ event: 'report_completed', task_id: 'report', run_id: 'r3', duration_ms: 7 });
    a.logger.log({ event: 'free_text', message: 'no run' });
    a.logger.log({ event: 'job_step', level: 'WARNING', task_id: 'etl', run_id: 'r4', step: 1 });
    await Promise.all([a.logger.flush(), b.logger.flush()]);
    await Promise.all([untilStored(pg.db.url, 'o-a', 6), untilStored(pg.db.url, 'o-b', 4)]);

    const all = () =>
      [
        ...readEvents(path.join(pg.dir, 'o-a.log')),
        ...readEvents(path.join(pg.dir, 'o-b.log')),
      ] as unknown as OrchestratorEvent[];
    const expected = foldAll(all());
    expect(expected.get('r1')).toMatchObject({ status: 'success', events: 4, steps_done: 3 });
    expect(expected.get('r2')).toMatchObject({ status: 'failed', failure: 'Quota exceeded' });

    const check = async (query: RunsQuery) => {
      const want = runsPage(query, expected);
      expect(await a.history.runs(query)).toEqual(want);
      expect(await b.history.runs(query)).toEqual(want);
      return want;
    };
    expect((await check({})).runs.map((r) => r.run_id).sort()).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect((await check({ status: 'failed' })).runs.map((r) => r.run_id)).toEqual(['r2']);
    expect((await check({ status: 'running' })).runs.map((r) => r.run_id)).toEqual(['r4']);
    expect((await check({ task_id: 'report' })).runs.map((r) => r.run_id)).toEqual(['r3']);
    // A window that starts at the second-oldest run and ends at the newest: the two between.
    const starts = [...expected.values()].map((r) => r.started_at).sort();
    expect((await check({ since: starts[1] })).runs).toHaveLength(3);
    expect((await check({ since: starts[1], until: starts[3] })).runs).toHaveLength(2);
    const first = await check({ limit: 2 });
    expect(first.has_more).toBe(true);
    const second = await check({ limit: 2, before: first.runs[1].run_id });
    expect(second.has_more).toBe(false);
    expect([...first.runs, ...second.runs]).toEqual((await check({})).runs);
    await expect(a.history.runs({ before: 'no-such-run' })).rejects.toBeInstanceOf(RangeError);

    // a's checkpoint lost (a crash after the commit, its answer lost): every batch is sent
    // again on restart; the events are there already, so no run changes.
    await pg.stop(a);
    await sql(
      pg.db.url,
      "DELETE FROM orchestrator_events.ingest_checkpoints WHERE orch_id = 'o-a'",
    );
    a = await start('o-a');
    a.logger.log({ event: 'job_step', task_id: 'etl', run_id: 'r4', step: 2 });
    await a.logger.flush();
    // Its stop event too: every line of its file, once.
    await untilStored(pg.db.url, 'o-a', readEvents(path.join(pg.dir, 'o-a.log')).length);
    await a.store.whenReady();
    const after = foldAll(all());
    expect(after.get('r4')).toMatchObject({ events: 2, steps_done: 2 });
    expect(await a.history.runs({})).toEqual(runsPage({}, after));
    const rows = await sql<{ record: string }>(
      pg.db.url,
      "SELECT record FROM orchestrator_events.runs WHERE run_id = 'r1'",
    );
    expect(JSON.parse(rows[0].record)).toEqual(expected.get('r1'));

    // Counts: what the files count for the same events, with the events query's filters.
    const events = all();
    const t0 = events.map((e) => e.timestamp).sort()[0];
    for (const query of [
      {},
      { bucket: 1 },
      { bucket: 3600, level: 'WARNING' },
      { task_id: 'etl', event: ['job_step'] },
      { run_id: 'r1' },
      { q: 'quota' },
      { extras: { step: '2' } },
      { since: t0, until: new Date(Date.parse(t0) + 86_400_000 * 3).toISOString(), bucket: 1 },
    ] as CountsQuery[]) {
      const want = filesCounts(events, query);
      expect({ query, page: await b.history.counts(query) }).toEqual({ query, page: want });
    }
    expect(filesCounts(events, {}).buckets.length).toBeGreaterThan(0);
    // A window of three days at 1 s buckets is widened to at most MAX_COUNTS_BUCKETS.
    expect(
      filesCounts(events, { since: t0, until: '2100-01-01T00:00:00Z', bucket: 1 }).bucket,
    ).toBe(
      (await b.history.counts({ since: t0, until: '2100-01-01T00:00:00Z', bucket: 1 })).bucket,
    );
  });

  it('two batches of one new run, in two transactions at once: the row lock serializes them, no event is lost', async () => {
    const pool = new Pool({ connectionString: pg.db.url, max: 4 });
    try {
      await migrate(pool, 'orchestrator_events');
      const event = (id: string, name: string, orch: string, extra = {}): OrchestratorEvent =>
        ({
          timestamp: `2026-01-01T00:00:0${id.slice(-1)}.000000Z`,
          event_id: id,
          orch_id: orch,
          level: 'INFO',
          logger: 'orchestrator_events',
          event: name,
          run_id: 'rx',
          task_id: 'etl',
          ...extra,
        }) as OrchestratorEvent;
      const one = await pool.connect();
      const two = await pool.connect();
      try {
        await one.query('BEGIN');
        await foldRunsInto(one, 'orchestrator_events', [
          event('a1', 'job_started', 'o-a'),
          event('a3', 'job_step', 'o-a', { step: 1 }),
        ]);
        await two.query('BEGIN');
        // Waits on the row `one` inserted until `one` commits, then folds onto its result.
        const second = foldRunsInto(two, 'orchestrator_events', [
          event('b5', 'job_completed', 'o-b', { step: 2 }),
        ]).then(() => two.query('COMMIT'));
        // It does wait on `one`'s row lock (not merely run later).
        await until(
          async () =>
            Number(
              (
                await sql<{ n: string }>(
                  pg.db.url,
                  "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
                )
              )[0].n,
            ) === 1,
          30_000,
          'the second batch waiting on the row lock',
        );
        await one.query('COMMIT');
        await second;
      } finally {
        one.release();
        two.release();
      }
      const rows = await sql<{ record: string; status: string; last_ts: Date }>(
        pg.db.url,
        "SELECT record, status, last_ts FROM orchestrator_events.runs WHERE run_id = 'rx'",
      );
      expect(rows).toHaveLength(1);
      expect(JSON.parse(rows[0].record)).toEqual(
        foldAll([
          event('a1', 'job_started', 'o-a'),
          event('a3', 'job_step', 'o-a', { step: 1 }),
          event('b5', 'job_completed', 'o-b', { step: 2 }),
        ]).get('rx'),
      );
      expect(rows[0].status).toBe('success');
      expect(rows[0].last_ts.toISOString()).toBe('2026-01-01T00:00:05.000Z');
    } finally {
      await pool.end();
    }
  });
});
