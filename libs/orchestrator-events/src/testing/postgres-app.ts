import * as fs from 'node:fs';
import * as path from 'node:path';
import { Test, TestingModule } from '@nestjs/testing';
import { logFilesNewestFirst } from '../lib/file/log-files';
import { EventLogger } from '../lib/write/event-logger.service';
import { EventHistory } from '../lib/history/event-history.service';
import { OrchestratorEventsModule } from '../lib/orchestrator-events.module';
import { OrchestratorEventsModuleOptions } from '../lib/options/orchestrator-events.options';
import { OrchestratorEventsPostgresModule } from '../postgres/orchestrator-events-postgres.module';
import { PostgresHistoryStore } from '../postgres/postgres-history.store';
import { OrchestratorEventsPostgresOptions } from '../postgres/postgres.options';
import { until } from './require-redis';
import { createTestDatabase, sql } from './require-postgres';
import { perTest } from './per-test';
import { tempDir } from './temp-dir';

/** What `createStoreApp` starts: the testing module and what the tests read from it. */
export interface StoreApp {
  module: TestingModule;
  logger: EventLogger;
  history: EventHistory;
  store: PostgresHistoryStore;
}

/** A real Nest module with the core and the PostgreSQL store, on an empty environment. */
export async function createStoreApp(
  core: OrchestratorEventsModuleOptions,
  store: OrchestratorEventsPostgresOptions,
): Promise<StoreApp> {
  const module = await Test.createTestingModule({
    imports: [
      OrchestratorEventsModule.forRoot({ env: {}, controller: false, ...core }),
      OrchestratorEventsPostgresModule.forRoot({ env: {}, ingestIntervalMs: 20, ...store }),
    ],
  }).compile();
  await module.init();
  return {
    module,
    logger: module.get(EventLogger),
    history: module.get(EventHistory),
    store: module.get(PostgresHistoryStore),
  };
}

/** Rows of one orchestrator in the store. */
export async function storedCount(url: string, orchId: string): Promise<number> {
  const rows = await sql<{ n: string }>(
    url,
    'SELECT count(*) AS n FROM orchestrator_events.events WHERE orch_id = $1',
    [orchId],
  ).catch(() => [{ n: '-1' }]);
  return Number(rows[0].n);
}

/** Waits until the store holds `n` events of `orchId`. */
export function untilStored(url: string, orchId: string, n: number, ms = 60_000): Promise<true> {
  return until(
    async () => (await storedCount(url, orchId)) === n,
    ms,
    `${n} events of ${orchId} stored`,
  );
}

/** What `useStoreApps` hands out; read it inside a test or hook, where it is set. */
export interface StoreApps {
  /** The test's own database. */
  readonly db: Awaited<ReturnType<typeof createTestDatabase>>;
  /** The test's own temp directory, where each app's log file is. */
  readonly dir: string;
  /**
   * A store app of orchestrator `orchId` logging to `<dir>/<orchId>.log`, on the test's database
   * with the options given to `useStoreApps` (then `store`'s); closed after the test.
   */
  start(
    orchId: string,
    core?: Partial<OrchestratorEventsModuleOptions>,
    store?: Partial<OrchestratorEventsPostgresOptions>,
  ): Promise<StoreApp>;
  /** Closes an app of `start` before the test ends. */
  stop(app: StoreApp): Promise<void>;
}

/**
 * Gives each test of the calling `describe` a database of its own and a temp dir (made in
 * `beforeEach`, removed in `afterEach` with every app `start` started), and store apps on them.
 */
export function useStoreApps(options: Partial<OrchestratorEventsPostgresOptions> = {}): StoreApps {
  const apps: StoreApp[] = [];
  const now = perTest(
    'useStoreApps',
    async () => ({ db: await createTestDatabase(), dir: tempDir() }),
    async ({ db, dir }) => {
      for (const app of apps.splice(0)) await app.module.close();
      await db.drop();
      dir.cleanup();
    },
  );
  return {
    get db() {
      return now().db;
    },
    get dir() {
      return now().dir.dir;
    },
    async start(orchId, core = {}, store = {}) {
      const { db, dir } = now();
      const app = await createStoreApp(
        { orchId, logFile: path.join(dir.dir, `${orchId}.log`), ...core },
        { url: db.url, ...options, ...store },
      );
      apps.push(app);
      return app;
    },
    async stop(app) {
      apps.splice(apps.indexOf(app), 1);
      await app.module.close();
    },
  };
}

/**
 * The ids of the complete event lines in `file` and its rotated backups (at most `maxFiles`),
 * oldest first. A kill may leave a torn last line: not an event.
 */
export function idsInLogFiles(file: string, maxFiles = 5): string[] {
  return logFilesNewestFirst(file, maxFiles)
    .filter((f) => fs.existsSync(f))
    .reverse()
    .flatMap((f) => fs.readFileSync(f, 'utf8').split('\n'))
    .filter((line) => line.endsWith('}'))
    .map((line) => (JSON.parse(line) as { event_id: string }).event_id);
}

/**
 * Waits (up to `ms`) until the store holds as many events of `orchId` as `ids`, then expects it
 * to hold exactly `ids`: none missing, none twice.
 */
export async function expectStoredExactly(
  url: string,
  orchId: string,
  ids: string[],
  ms: number,
): Promise<void> {
  await until(
    async () => (await storedCount(url, orchId)) >= ids.length,
    ms,
    `${ids.length} events of ${orchId} stored`,
  );
  // A moment more: a batch sent twice would add its rows now.
  await new Promise((r) => setTimeout(r, 300));
  const stored = await sql<{ event_id: string }>(
    url,
    'SELECT event_id FROM orchestrator_events.events WHERE orch_id = $1',
    [orchId],
  );
  expect(stored.length).toBe(ids.length);
  expect(new Set(stored.map((r) => r.event_id))).toEqual(new Set(ids));
}
