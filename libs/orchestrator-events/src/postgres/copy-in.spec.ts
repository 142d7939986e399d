import { formatEventLine } from '@orchestrator/events-contract';
import { Pool } from 'pg';
import { createTestDatabase, postgresAvailable } from '../testing/require-postgres';
import { copyIn } from './copy-in';
import { addLine, copyRows, emptyColumns, EVENT_COLUMN_NAMES } from './event-rows';
import { dayOf, Partitions } from './postgres.partitions';
import { migrate } from './postgres.migrations';

const run = postgresAvailable('PostgreSQL COPY test') ? describe : describe.skip;
const S = 'orchestrator_events';

run('COPY FROM STDIN of a batch (the ingest fast path)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url, max: 1 });
    await migrate(pool, S);
  });

  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('stores every column as given, escapes included; a row stored already fails the whole COPY', async () => {
    const ts = new Date().toISOString();
    const lines = [
      // Backslashes, quotes, tabs and line ends inside strings: JSON escapes, COPY escapes again.
      { message: 'tab\there, line\nend, cr\r, back\\slash, "quoted" \\N', run_id: 'r\\1' },
      { message: 'ünïcødé ✓', task_id: 't\t1', extras_key: 'a\\b' },
      { message: 'no task nor run' },
    ].map((fields, i) =>
      formatEventLine({
        timestamp: ts,
        level: 'INFO',
        event_id: `e${i}`,
        orch_id: 'o-copy',
        logger: 'orchestrator_events',
        event: 'copied',
        ...fields,
      }),
    );
    const columns = emptyColumns();
    for (const line of lines) addLine(columns, line);
    await new Partitions(pool, S).ensure([dayOf(Date.parse(ts))]);
    const sql = `COPY "${S}".events (${EVENT_COLUMN_NAMES.join(', ')}) FROM STDIN`;
    const client = await pool.connect();
    try {
      expect(await copyIn(client, sql, copyRows(columns))).toBe(3);
      const { rows } = await client.query(
        `SELECT event_id, orch_id, level, event, task_id, run_id, search, extras::text AS extras,
           line, ts FROM "${S}".events ORDER BY event_id`,
      );
      expect(rows.map((row) => row.line)).toEqual(lines);
      for (const [i, row] of rows.entries()) {
        for (const name of EVENT_COLUMN_NAMES.filter((n) => n !== 'ts' && n !== 'extras')) {
          expect({ name, value: row[name] }).toEqual({ name, value: columns[name][i] });
        }
        expect(row.extras === null ? null : JSON.parse(row.extras)).toEqual(
          columns.extras[i] === null ? null : JSON.parse(columns.extras[i] as string),
        );
        expect((row.ts as Date).toISOString()).toBe(ts);
      }

      // The same rows again: the unique key refuses the COPY, which the caller rolls back.
      await client.query('BEGIN');
      await expect(copyIn(client, sql, copyRows(columns))).rejects.toMatchObject({
        code: '23505',
      });
      await client.query('ROLLBACK');
      const count = await client.query(`SELECT count(*)::int AS n FROM "${S}".events`);
      expect(count.rows[0].n).toBe(3);
    } finally {
      client.release();
    }
  });
});
