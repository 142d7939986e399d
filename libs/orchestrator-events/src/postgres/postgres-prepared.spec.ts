import { Pool } from 'pg';
import { createTestDatabase, postgresAvailable } from '../testing/require-postgres';
import { PostgresHistorySource } from './postgres-history.source';
import { migrate } from './postgres.migrations';
import { dayOf, Partitions } from './postgres.partitions';

const run = postgresAvailable('PostgreSQL prepared statement tests') ? describe : describe.skip;
const S = 'orchestrator_events';

run('PostgresHistorySource: which queries are prepared statements', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;
  let source: PostgresHistorySource;

  beforeEach(async () => {
    db = await createTestDatabase();
    // One connection: pg_prepared_statements shows that session's statements.
    pool = new Pool({ connectionString: db.url, max: 1 });
    await migrate(pool, S);
    const now = Date.now();
    await new Partitions(pool, S).ensure([dayOf(now)]);
    const ts = new Date(now).toISOString();
    for (const [i, task] of ['t1', 't1', 't2'].entries()) {
      const id = `${String(now).padStart(13, '0')}-${String(i).padStart(6, '0')}-o`;
      const line = JSON.stringify({
        timestamp: ts,
        level: 'INFO',
        event: 'job_step',
        event_id: id,
        orch_id: 'o',
        task_id: task,
        run_id: `r-${task}`,
        message: 'quota step',
      });
      await pool.query(
        `INSERT INTO "${S}".events (ts, event_id, orch_id, level, event, task_id, run_id, search, line)
         VALUES ($1, $2, 'o', 20, 'job_step', $3, $4, 'quota step', $5)`,
        [ts, id, task, `r-${task}`, line],
      );
    }
    source = new PostgresHistorySource(
      pool,
      S,
      () => true,
      () => ({ name: 'postgres', status: 'up' }),
    );
  });
  afterEach(async () => {
    await pool.end();
    await db.drop();
  });

  const prepared = async () =>
    (
      await pool.query<{ statement: string }>(
        "SELECT statement FROM pg_prepared_statements WHERE name LIKE 'orch_events_%'",
      )
    ).rows.map((row) => row.statement);

  it("prepares a task's and a run's page once per shape, and answers the same pages", async () => {
    const first = await source.query({ task_id: 't1', limit: 100 });
    const again = await source.query({ task_id: 't1', limit: 100 });
    const other = await source.query({ task_id: 't2', limit: 100 });
    expect(first.events.map((e) => e.event_id)).toEqual(again.events.map((e) => e.event_id));
    expect(first.events).toHaveLength(2);
    expect(other.events.map((e) => e.task_id)).toEqual(['t2']);
    expect((await source.query({ run_id: 'r-t1' })).events).toHaveLength(2);
    const statements = await prepared();
    expect(statements).toHaveLength(2);
    expect(statements.some((text) => text.includes('task_id = $1'))).toBe(true);
    expect(statements.some((text) => text.includes('run_id = $1'))).toBe(true);
  });

  it('plans a search, a time window or a level each time (their plans depend on the values)', async () => {
    expect((await source.query({ task_id: 't1', q: 'quota' })).events).toHaveLength(2);
    const since = new Date(Date.now() - 3_600_000).toISOString();
    expect((await source.query({ since })).events).toHaveLength(3);
    expect((await source.query({ task_id: 't1', level: 'INFO' })).events).toHaveLength(2);
    expect(await prepared()).toEqual([]);
  });
});
