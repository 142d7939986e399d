/*
 * @orchestrator/events/postgres: the PostgreSQL history store (optional peer `pg`, loaded only
 * from here). See docs/postgres.md.
 */
export { OrchestratorEventsPostgresModule } from './orchestrator-events-postgres.module';
export type { OrchestratorEventsPostgresOptions } from './postgres.options';
export { PostgresHistoryStore } from './postgres-history.store';
export type { PostgresStoreState } from './postgres-history.store';
