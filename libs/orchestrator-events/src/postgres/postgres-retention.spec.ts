import * as path from 'node:path';
import { createStoreApp, storedCount, untilStored } from '../testing/postgres-app';
import { createTestDatabase, postgresAvailable, sql } from '../testing/require-postgres';
import { readEvents, tempDir } from '../testing/temp-dir';
import { dayOf } from './postgres.partitions';

const run = postgresAvailable('PostgreSQL retention test') ? describe : describe.skip;
const DAY = 86_400_000;

run('retention drops whole day partitions past the retention, while queries and ingest run', () => {
  it('drops the old days, keeps every newer row', async () => {
    const db = await createTestDatabase();
    const dir = tempDir();
    const app = await createStoreApp(
      { orchId: 'o-ret', logFile: path.join(dir.dir, 'o.log') },
      { url: db.url, retention: '3d' },
    );
    try {
      await app.store.whenReady();
      // Old rows, as an earlier instance left them: 10, 5, 3 (the border) and 1 day ago.
      const now = Date.now();
      const ages = [10, 5, 3, 1];
      for (const age of ages) {
        const ms = now - age * DAY;
        const day = dayOf(ms);
        const from = new Date(Math.floor(ms / DAY) * DAY).toISOString();
        const to = new Date(Math.floor(ms / DAY) * DAY + DAY).toISOString();
        await sql(
          db.url,
          `CREATE TABLE IF NOT EXISTS orchestrator_events.events_${day} PARTITION OF orchestrator_events.events FOR VALUES FROM ('${from}') TO ('${to}')`,
        );
        const ts = new Date(ms).toISOString();
        const id = `${ms}-000000-o-old`;
        const line = JSON.stringify({
          timestamp: ts,
          level: 'INFO',
          logger: 'orchestrator_events',
          event: 'old',
          event_id: id,
          orch_id: 'o-old',
          age,
        });
        await sql(
          db.url,
          `INSERT INTO orchestrator_events.events (ts, event_id, orch_id, level, event, search, line) VALUES ($1, $2, 'o-old', 20, 'old', '', $3)`,
          [ts, id, line],
        );
      }
      // Runs whose newest event is 10 and 5 days old go; one still logging 1 day ago stays.
      for (const age of [10, 5, 1]) {
        await sql(
          db.url,
          `INSERT INTO orchestrator_events.runs (run_id, status, started_at, last_ts, record) VALUES ($1, 'running', $2, $3, '{}')`,
          [`run-${age}`, new Date(now - age * DAY).toISOString(), new Date(now - age * DAY)],
        );
      }
      // Queries and ingest run all along.
      let stop = false;
      let queries = 0;
      const load = (async () => {
        let n = 0;
        while (!stop) {
          app.logger.log({ event: 'during', n: n++ });
          const page = await app.history.query({
            event: ['old', 'during'],
            limit: 1000,
            after: '',
          });
          expect(page.partial).toBeUndefined();
          queries++;
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      const dropped = await app.store.applyRetention();
      await new Promise((r) => setTimeout(r, 200));
      stop = true;
      await load;
      expect(queries).toBeGreaterThan(0);

      // The days wholly older than 3 days are gone; the border day holds events younger than 3d+1d.
      expect(dropped).toEqual([dayOf(now - 10 * DAY), dayOf(now - 5 * DAY)]);
      const left = await sql<{ age: number }>(
        db.url,
        `SELECT (line::jsonb->>'age')::int AS age FROM orchestrator_events.events WHERE orch_id = 'o-old' ORDER BY age`,
      );
      expect(left.map((r) => r.age)).toEqual([1, 3]);
      const runs = await sql<{ run_id: string }>(
        db.url,
        'SELECT run_id FROM orchestrator_events.runs ORDER BY run_id',
      );
      expect(runs.map((r) => r.run_id)).toEqual(['run-1']);
      // Every event logged meanwhile arrived.
      await app.logger.flush();
      const file = path.join(dir.dir, 'o.log');
      await untilStored(db.url, 'o-ret', readEvents(file).length);
      expect(await storedCount(db.url, 'o-ret')).toBe(readEvents(file).length);
    } finally {
      await app.module.close();
      await db.drop();
      dir.cleanup();
    }
  });
});
