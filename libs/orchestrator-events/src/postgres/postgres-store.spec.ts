import * as path from 'node:path';
import { storedCount, untilStored, useStoreApps } from '../testing/postgres-app';
import { postgresAvailable, sql } from '../testing/require-postgres';
import { readEvents } from '../testing/temp-dir';

const run = postgresAvailable('PostgreSQL history store tests') ? describe : describe.skip;

run('OrchestratorEventsPostgresModule against a real PostgreSQL', () => {
  const pg = useStoreApps();
  const { start } = pg;

  it('two instances starting together on an empty database migrate once', async () => {
    const [a, b] = await Promise.all([start('o-a'), start('o-b')]);
    await Promise.all([a.store.whenReady(), b.store.whenReady()]);
    const versions = await sql<{ version: number }>(
      pg.db.url,
      'SELECT version FROM orchestrator_events.schema_migrations',
    );
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
  });

  it("stores each line as written; one instance's query finds the other's events, with q and extras", async () => {
    const a = await start('o-a');
    const b = await start('o-b');
    a.logger.log({ event: 'job_started', task_id: 'nightly-etl', run_id: 'r1', message: 'Begin' });
    a.logger.log({
      event: 'job_failed',
      level: 'ERROR',
      task_id: 'nightly-etl',
      run_id: 'r1',
      message: 'stopped',
      error: { name: 'Error', message: 'Quota exceeded for bucket' },
      attempt: 3,
      queue: 'etl',
    });
    // b's own files stay empty: what b answers comes from the store.
    a.logger.log({ event: 'other', task_id: 'elsewhere', attempt: 4 });
    await a.logger.flush();
    await untilStored(pg.db.url, 'o-a', 3);

    const onB = await b.history.query({ task_id: 'nightly-etl' });
    expect(onB.events.map((e) => e.event)).toEqual(['job_started', 'job_failed']);
    expect(onB.partial).toBeUndefined();
    // The stored line is the line as written: the same JSON as the file's.
    const fileLines = readEvents(path.join(pg.dir, 'o-a.log'));
    expect(onB.events).toEqual(fileLines.slice(0, 2));
    const lines = await sql<{ line: string }>(
      pg.db.url,
      'SELECT line FROM orchestrator_events.events WHERE orch_id = $1 ORDER BY event_id',
      ['o-a'],
    );
    expect(lines.map((l) => JSON.parse(l.line))).toEqual(fileLines);

    // Search: q in a nested extras string, case-insensitively; extras by top-level value.
    expect((await b.history.query({ q: 'QUOTA bucket' })).events.map((e) => e.event)).toEqual([
      'job_failed',
    ]);
    expect((await b.history.query({ q: 'quota nothing-like-this' })).events).toEqual([]);
    expect(
      (await b.history.query({ extras: { attempt: '3', queue: 'etl' } })).events.map(
        (e) => e.event,
      ),
    ).toEqual(['job_failed']);
    expect((await b.history.query({ extras: { attempt: '5' } })).events).toEqual([]);
    // A LIKE wildcard in q is a literal character, never a pattern.
    expect((await b.history.query({ q: '%' })).events).toEqual([]);
    // Level, run, cursors and limits, as the files answer them.
    expect((await b.history.query({ level: 'ERROR' })).events.map((e) => e.event)).toEqual([
      'job_failed',
    ]);
    const newest = await b.history.query({ limit: 1 });
    expect(newest.has_more).toBe(true);
    const all = await b.history.query({ after: '', limit: 1000 });
    expect(all.events.map((e) => e.event)).toEqual(['job_started', 'job_failed', 'other']);
  });

  it('exactly once across a restart: a second start on the same files adds nothing, then ingests only what is new', async () => {
    let a = await start('o-r');
    for (let i = 0; i < 500; i++) a.logger.log({ event: 'tick', task_id: 't', n: i });
    await a.logger.flush();
    const file = path.join(pg.dir, 'o-r.log');
    await untilStored(pg.db.url, 'o-r', readEvents(file).length);
    await pg.stop(a);
    const before = readEvents(file).length;

    a = await start('o-r');
    await a.store.whenReady();
    for (let i = 0; i < 10; i++) a.logger.log({ event: 'tock', task_id: 't' });
    await a.logger.flush();
    const lines = readEvents(file);
    expect(lines.length).toBeGreaterThanOrEqual(before + 10);
    await untilStored(pg.db.url, 'o-r', lines.length);
    // Settled: nothing more arrives, and no event_id twice.
    await new Promise((r) => setTimeout(r, 300));
    expect(await storedCount(pg.db.url, 'o-r')).toBe(lines.length);
    const dupes = await sql(
      pg.db.url,
      'SELECT event_id FROM orchestrator_events.events GROUP BY event_id HAVING count(*) > 1',
    );
    expect(dupes).toEqual([]);
    const checkpoint = await sql<{ last_event_id: string }>(
      pg.db.url,
      'SELECT last_event_id FROM orchestrator_events.ingest_checkpoints WHERE orch_id = $1',
      ['o-r'],
    );
    expect(checkpoint[0].last_event_id).toBe(lines[lines.length - 1]['event_id']);
  });

  it('runs with the least-privilege role of docs/postgres.md: no superuser, CREATE on its database', async () => {
    const role = `orch_role_${pg.db.name.slice(-8)}`;
    await sql(
      pg.db.url,
      `CREATE ROLE ${role} LOGIN PASSWORD 'role-pw' NOSUPERUSER NOCREATEDB NOCREATEROLE`,
    );
    try {
      await sql(pg.db.url, `GRANT CONNECT, CREATE ON DATABASE ${pg.db.name} TO ${role}`);
      const url = new URL(pg.db.url);
      url.username = role;
      url.password = 'role-pw';
      const app = await start('o-role', {}, { url: url.toString() });
      app.logger.log({ event: 'as_role', message: 'least privilege' });
      await app.logger.flush();
      await untilStored(pg.db.url, 'o-role', readEvents(path.join(pg.dir, 'o-role.log')).length);
      expect((await app.history.query({ q: 'privilege' })).events.map((e) => e.event)).toContain(
        'as_role',
      );
      await pg.stop(app);
    } finally {
      await sql(pg.db.url, `DROP OWNED BY ${role} CASCADE`).catch(() => undefined);
      await sql(pg.db.url, `DROP ROLE IF EXISTS ${role}`);
    }
  });

  it('forRootAsync takes the options from a factory', async () => {
    const { Test } = await import('@nestjs/testing');
    const { OrchestratorEventsModule } = await import('../lib/orchestrator-events.module');
    const { OrchestratorEventsPostgresModule } =
      await import('./orchestrator-events-postgres.module');
    const { PostgresHistoryStore } = await import('./postgres-history.store');
    const module = await Test.createTestingModule({
      imports: [
        OrchestratorEventsModule.forRoot({
          env: {},
          controller: false,
          orchId: 'o-async',
          logFile: path.join(pg.dir, 'async.log'),
        }),
        OrchestratorEventsPostgresModule.forRootAsync({
          useFactory: async () => ({ url: pg.db.url, retention: '2d', env: {} }),
        }),
      ],
    }).compile();
    await module.init();
    try {
      const store = module.get(PostgresHistoryStore);
      await store.whenReady();
      expect(store.state()).toMatchObject({ name: 'postgres', status: 'up', url: pg.db.url });
    } finally {
      await module.close();
    }
  });
});
