import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { logFilesNewestFirst } from '../lib/file/log-files';
import { createStoreApp, storedCount } from '../testing/postgres-app';
import { createTestDatabase, postgresAvailable, sql } from '../testing/require-postgres';
import { until } from '../testing/require-redis';
import { tempDir } from '../testing/temp-dir';

const run = postgresAvailable('PostgreSQL crash test') ? describe : describe.skip;
const CHILD = path.join(__dirname, '..', 'testing', 'postgres-child.ts');

/**
 * Complete event lines in the file and its rotated backups (a kill may leave a torn last line: not
 * an event). The burst may rotate the file before the kill: the backups' events count too.
 */
function idsInFile(file: string): string[] {
  return logFilesNewestFirst(file, 5)
    .filter((f) => fs.existsSync(f))
    .reverse()
    .flatMap((f) => fs.readFileSync(f, 'utf8').split('\n'))
    .filter((line) => line.endsWith('}'))
    .map((line) => (JSON.parse(line) as { event_id: string }).event_id);
}

run('a crash (SIGKILL) in the middle of ingesting', () => {
  jest.setTimeout(180_000);

  it('the next start ingests the rest, every event exactly once', async () => {
    const db = await createTestDatabase();
    const dir = tempDir();
    const file = path.join(dir.dir, 'o.log');
    try {
      const child = spawn(
        process.execPath,
        ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', CHILD, file, db.url],
        {
          env: {
            ...process.env,
            TS_NODE_PROJECT: path.join(__dirname, '..', '..', 'tsconfig.spec.json'),
            TS_NODE_TRANSPILE_ONLY: 'true',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      await until(() => out.includes('logging'), 90_000, `child ready (${out})`);
      // Killed while events are being logged and ingested.
      await until(
        async () => (await storedCount(db.url, 'o-crash')) > 2000,
        90_000,
        'ingest under way',
      );
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      const ids = idsInFile(file);
      expect(await storedCount(db.url, 'o-crash')).toBeLessThan(ids.length + 1);

      const app = await createStoreApp({ orchId: 'o-crash', logFile: file }, { url: db.url });
      try {
        await app.store.whenReady();
        await app.logger.flush();
        const all = idsInFile(file);
        await until(
          async () => (await storedCount(db.url, 'o-crash')) >= all.length,
          90_000,
          'rest ingested',
        );
        await new Promise((r) => setTimeout(r, 300));
        const stored = await sql<{ event_id: string }>(
          db.url,
          "SELECT event_id FROM orchestrator_events.events WHERE orch_id = 'o-crash'",
        );
        expect(stored.length).toBe(all.length);
        expect(new Set(stored.map((r) => r.event_id))).toEqual(new Set(all));
      } finally {
        await app.module.close();
      }
    } finally {
      await db.drop();
      dir.cleanup();
    }
  });
});
