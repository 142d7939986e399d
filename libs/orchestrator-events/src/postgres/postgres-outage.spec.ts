import * as path from 'node:path';
import { OrchestratorEventsStatus } from '../lib/orchestrator-events.status';
import { createStoreApp, expectStoredExactly, idsInLogFiles } from '../testing/postgres-app';
import { OwnPostgres } from '../testing/own-postgres';
import { sql } from '../testing/require-postgres';
import { until } from '../testing/require-redis';
import { tempDir } from '../testing/temp-dir';

const available = OwnPostgres.available();
if (!available) {
  const message =
    'PostgreSQL outage test SKIPPED: no /usr/lib/postgresql/15/bin (apt-get install postgresql)';
  if (process.env['CI']) throw new Error(message);
  console.warn(message);
}
const run = available ? describe : describe.skip;

run('a PostgreSQL outage during a burst', () => {
  jest.setTimeout(240_000);
  let server: OwnPostgres;
  let dir: ReturnType<typeof tempDir>;

  beforeEach(async () => {
    server = await OwnPostgres.create();
    server.start();
    dir = tempDir();
  });
  afterEach(() => {
    server.destroy();
    dir.cleanup();
  });

  it('every event once after the database comes back; log() never blocked; health down then up', async () => {
    const app = await createStoreApp(
      { orchId: 'o-out', logFile: path.join(dir.dir, 'o.log'), maxSize: '2m', maxFiles: 5 },
      { url: server.url, maxRetryDelayMs: 200 },
    );
    const status = app.module.get(OrchestratorEventsStatus);
    const seen: string[] = [];
    const watcher = setInterval(() => {
      const state = status.snapshot().history[0]?.status ?? 'none';
      if (seen[seen.length - 1] !== state) seen.push(state);
    }, 10);
    try {
      await app.store.whenReady();
      const total = 50_000;
      let killed = false;
      for (let i = 0; i < total; i++) {
        // log() returns its id at once, database or not.
        expect(app.logger.log({ event: 'burst', task_id: `t${i % 7}`, n: i })).toBeDefined();
        if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
        if (i === 15_000) {
          await until(
            async () =>
              (await sql(server.url, 'SELECT 1 FROM orchestrator_events.events LIMIT 1')).length >
              0,
          );
          server.kill();
          killed = true;
          await until(() => status.snapshot().history[0].status === 'down', 30_000, 'store down');
          // While it is down, queries answer from the files and say so.
          const page = await app.history.query({ task_id: 't1', limit: 5 });
          expect(page.partial).toBe(true);
          expect(page.events).toHaveLength(5);
        }
      }
      expect(killed).toBe(true);
      await app.logger.flush();
      server.start();
      const ids = idsInLogFiles(path.join(dir.dir, 'o.log'));
      expect(ids.length).toBeGreaterThanOrEqual(total);
      await expectStoredExactly(server.url, 'o-out', ids, 180_000);
      await until(() => status.snapshot().history[0].status === 'up', 30_000, 'store up');
      expect(seen).toEqual(expect.arrayContaining(['up', 'down']));
      expect(seen.lastIndexOf('up')).toBeGreaterThan(seen.indexOf('down'));
      // Nothing was lost to rotation: no gap.
      expect(status.snapshot().history[0]['gap_lines']).toBe(0);
      // The password-free URL is what health shows.
      expect(status.snapshot().history[0]['url']).toBe(server.url);
    } finally {
      clearInterval(watcher);
      await app.module.close();
    }
  });
});
