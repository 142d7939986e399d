import { spawn } from 'node:child_process';
import * as path from 'node:path';
import {
  createStoreApp,
  expectStoredExactly,
  idsInLogFiles,
  storedCount,
} from '../testing/postgres-app';
import { createTestDatabase, postgresAvailable } from '../testing/require-postgres';
import { until } from '../testing/require-redis';
import { tempDir } from '../testing/temp-dir';

const run = postgresAvailable('PostgreSQL crash test') ? describe : describe.skip;
const CHILD = path.join(__dirname, '..', 'testing', 'postgres-child.ts');

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
      const ids = idsInLogFiles(file);
      expect(await storedCount(db.url, 'o-crash')).toBeLessThan(ids.length + 1);

      const app = await createStoreApp({ orchId: 'o-crash', logFile: file }, { url: db.url });
      try {
        await app.store.whenReady();
        await app.logger.flush();
        await expectStoredExactly(db.url, 'o-crash', idsInLogFiles(file), 90_000);
      } finally {
        await app.module.close();
      }
    } finally {
      await db.drop();
      dir.cleanup();
    }
  });
});
