import { Test, TestingModule } from '@nestjs/testing';
import { EventLogger } from '../lib/write/event-logger.service';
import { EventHistory } from '../lib/history/event-history.service';
import { OrchestratorEventsModule } from '../lib/orchestrator-events.module';
import { OrchestratorEventsModuleOptions } from '../lib/options/orchestrator-events.options';
import { OrchestratorEventsPostgresModule } from '../postgres/orchestrator-events-postgres.module';
import { PostgresHistoryStore } from '../postgres/postgres-history.store';
import { OrchestratorEventsPostgresOptions } from '../postgres/postgres.options';
import { until } from './require-redis';
import { sql } from './require-postgres';

/** A real Nest module with the core and the PostgreSQL store, on an empty environment. */
export async function createStoreApp(
  core: OrchestratorEventsModuleOptions,
  store: OrchestratorEventsPostgresOptions,
): Promise<{
  module: TestingModule;
  logger: EventLogger;
  history: EventHistory;
  store: PostgresHistoryStore;
}> {
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
