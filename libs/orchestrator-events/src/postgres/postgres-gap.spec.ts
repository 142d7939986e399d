import * as path from 'node:path';
import { createStoreApp, storedCount } from '../testing/postgres-app';
import { OwnPostgres } from '../testing/own-postgres';
import { sql } from '../testing/require-postgres';
import { until } from '../testing/require-redis';
import { tempDir } from '../testing/temp-dir';

const available = OwnPostgres.available();
if (!available && process.env['CI']) throw new Error('PostgreSQL gap test: no PostgreSQL binaries');
const run = available ? describe : describe.skip;

run('lines rotated away before they were ingested', () => {
  jest.setTimeout(180_000);

  it('are one history_gap WARNING event per file let go, with the exact count: never a silent hole', async () => {
    const server = await OwnPostgres.create();
    server.start();
    const dir = tempDir();
    // Small files, one backup: a long outage outgrows what the reader may hold (4 files).
    const app = await createStoreApp(
      { orchId: 'o-gap', logFile: path.join(dir.dir, 'o.log'), maxSize: '16k', maxFiles: 1 },
      { url: server.url, maxRetryDelayMs: 200 },
    );
    try {
      await app.store.whenReady();
      app.logger.log({ event: 'first' });
      await app.logger.flush();
      await until(
        async () =>
          (await storedCount(server.url, 'o-gap')) >= 1 && app.store.state().lag_bytes === 0,
      );
      server.kill();
      await until(() => app.store.state().status === 'down', 30_000, 'store down');
      const logged: string[] = [];
      for (let chunk = 0; chunk < 15; chunk++) {
        for (let i = 0; i < 100; i++) {
          logged.push(app.logger.log({ event: 'g', n: chunk * 100 + i }) as string);
        }
        await app.logger.flush();
        // Rotations are watched between attempts: give the reader a look at each file.
        await new Promise((r) => setTimeout(r, 150));
      }
      const state = app.store.state();
      expect(state.gaps).toBeGreaterThan(0);
      server.start();
      await app.logger.flush();
      await until(
        () => app.store.state().status === 'up' && app.store.state().lag_bytes === 0,
        90_000,
        'caught up',
      );
      await app.logger.flush();
      await new Promise((r) => setTimeout(r, 500));
      await until(() => app.store.state().lag_bytes === 0, 30_000, 'caught up again');
      const { gaps, gap_lines } = app.store.state();
      const storedG = await sql<{ n: string }>(
        server.url,
        "SELECT count(*) AS n FROM orchestrator_events.events WHERE event = 'g'",
      );
      const gapEvents = await sql<{ line: string }>(
        server.url,
        "SELECT line FROM orchestrator_events.events WHERE event = 'history_gap'",
      );
      // Each lost line is counted once: the 'g' events missing, and the gap events that were
      // themselves in a file let go.
      const lostG = logged.length - Number(storedG[0].n);
      const lostGapEvents = gaps - gapEvents.length;
      expect(lostG).toBeGreaterThan(0);
      expect(gap_lines).toBe(lostG + lostGapEvents);
      for (const { line } of gapEvents) {
        const event = JSON.parse(line) as { level: string; count: number; message: string };
        expect(event.level).toBe('WARNING');
        expect(event.count).toBeGreaterThan(0);
        expect(event.message).toContain(String(event.count));
      }
    } finally {
      await app.module.close();
      server.destroy();
      dir.cleanup();
    }
  });
});
