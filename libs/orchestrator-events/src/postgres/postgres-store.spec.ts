import * as path from 'node:path';
import { createStoreApp, storedCount, untilStored } from '../testing/postgres-app';
import { createTestDatabase, postgresAvailable, sql } from '../testing/require-postgres';
import { readEvents, tempDir } from '../testing/temp-dir';

const run = postgresAvailable('PostgreSQL history store tests') ? describe : describe.skip;

run('OrchestratorEventsPostgresModule against a real PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: ReturnType<typeof tempDir>;
  const apps: Awaited<ReturnType<typeof createStoreApp>>[] = [];

  beforeEach(async () => {
    db = await createTestDatabase();
    dir = tempDir();
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.module.close();
    await db.drop();
    dir.cleanup();
  });

  const start = async (orchId: string, extra: Record<string, unknown> = {}) => {
    const app = await createStoreApp(
      { orchId, logFile: path.join(dir.dir, `${orchId}.log`), ...extra },
      { url: db.url },
    );
    apps.push(app);
    return app;
  };

  it('two instances starting together on an empty database migrate once', async () => {
    const [a, b] = await Promise.all([start('o-a'), start('o-b')]);
    await Promise.all([a.store.whenReady(), b.store.whenReady()]);
    const versions = await sql<{ version: number }>(
      db.url,
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
    await untilStored(db.url, 'o-a', 3);

    const onB = await b.history.query({ task_id: 'nightly-etl' });
    expect(onB.events.map((e) => e.event)).toEqual(['job_started', 'job_failed']);
    expect(onB.partial).toBeUndefined();
    // The stored line is the line as written: the same JSON as the file's.
    const fileLines = readEvents(path.join(dir.dir, 'o-a.log'));
    expect(onB.events).toEqual(fileLines.slice(0, 2));
    const lines = await sql<{ line: string }>(
      db.url,
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
    const file = path.join(dir.dir, 'o-r.log');
    await untilStored(db.url, 'o-r', readEvents(file).length);
    await a.module.close();
    apps.splice(apps.indexOf(a), 1);
    const before = readEvents(file).length;

    a = await start('o-r');
    await a.store.whenReady();
    for (let i = 0; i < 10; i++) a.logger.log({ event: 'tock', task_id: 't' });
    await a.logger.flush();
    const lines = readEvents(file);
    expect(lines.length).toBeGreaterThanOrEqual(before + 10);
    await untilStored(db.url, 'o-r', lines.length);
    // Settled: nothing more arrives, and no event_id twice.
    await new Promise((r) => setTimeout(r, 300));
    expect(await storedCount(db.url, 'o-r')).toBe(lines.length);
    const dupes = await sql(
      db.url,
      'SELECT event_id FROM orchestrator_events.events GROUP BY event_id HAVING count(*) > 1',
    );
    expect(dupes).toEqual([]);
    const checkpoint = await sql<{ last_event_id: string }>(
      db.url,
      'SELECT last_event_id FROM orchestrator_events.ingest_checkpoints WHERE orch_id = $1',
      ['o-r'],
    );
    expect(checkpoint[0].last_event_id).toBe(lines[lines.length - 1]['event_id']);
  });

  it('runs with the least-privilege role of docs/postgres.md: no superuser, CREATE on its database', async () => {
    const role = `orch_role_${db.name.slice(-8)}`;
    await sql(
      db.url,
      `CREATE ROLE ${role} LOGIN PASSWORD 'role-pw' NOSUPERUSER NOCREATEDB NOCREATEROLE`,
    );
    try {
      await sql(db.url, `GRANT CONNECT, CREATE ON DATABASE ${db.name} TO ${role}`);
      const url = new URL(db.url);
      url.username = role;
      url.password = 'role-pw';
      const app = await createStoreApp(
        { orchId: 'o-role', logFile: path.join(dir.dir, 'role.log') },
        { url: url.toString() },
      );
      apps.push(app);
      app.logger.log({ event: 'as_role', message: 'least privilege' });
      await app.logger.flush();
      await untilStored(db.url, 'o-role', readEvents(path.join(dir.dir, 'role.log')).length);
      expect((await app.history.query({ q: 'privilege' })).events.map((e) => e.event)).toContain(
        'as_role',
      );
      await app.module.close();
      apps.splice(apps.indexOf(app), 1);
    } finally {
      await sql(db.url, `DROP OWNED BY ${role} CASCADE`).catch(() => undefined);
      await sql(db.url, `DROP ROLE IF EXISTS ${role}`);
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
          logFile: path.join(dir.dir, 'async.log'),
        }),
        OrchestratorEventsPostgresModule.forRootAsync({
          useFactory: async () => ({ url: db.url, retention: '2d', env: {} }),
        }),
      ],
    }).compile();
    await module.init();
    try {
      const store = module.get(PostgresHistoryStore);
      await store.whenReady();
      expect(store.state()).toMatchObject({ name: 'postgres', status: 'up', url: db.url });
    } finally {
      await module.close();
    }
  });
});
