import { DynamicModule, Module } from '@nestjs/common';
import { PostgresHistoryStore } from './postgres-history.store';
import {
  ORCH_EVENTS_POSTGRES_OPTIONS,
  POSTGRES_ASYNC_OPTIONS_TYPE,
  POSTGRES_MODULE_OPTIONS,
  POSTGRES_OPTIONS_TYPE,
  PostgresConfigurableModule,
} from './postgres.module-definition';
import { OrchestratorEventsPostgresOptions, resolvePostgresOptions } from './postgres.options';

/**
 * PostgreSQL as the history store of every instance: this instance's log files are ingested in
 * batches (the files stay the write-ahead log), and `EventHistory` (the REST endpoint, stream
 * resumption) answers from every instance's events, searchable, kept for `retention`. Import it
 * beside `OrchestratorEventsModule.forRoot()`:
 *
 * ```ts
 * OrchestratorEventsPostgresModule.forRoot({ url: 'postgres://orch@db:5432/orch', retention: '30d' })
 * ```
 *
 * Needs the optional peer `pg`. See docs/postgres.md.
 */
@Module({
  providers: [
    {
      provide: ORCH_EVENTS_POSTGRES_OPTIONS,
      useFactory: (options: OrchestratorEventsPostgresOptions) => resolvePostgresOptions(options),
      inject: [POSTGRES_MODULE_OPTIONS],
    },
    PostgresHistoryStore,
  ],
  exports: [PostgresHistoryStore],
})
export class OrchestratorEventsPostgresModule extends PostgresConfigurableModule {
  /** `url` and `retention` default to `ORCH_HISTORY_URL` and `ORCH_HISTORY_RETENTION`. */
  static override forRoot(options: typeof POSTGRES_OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }

  /** Like `forRoot`, with the options from a factory (e.g. `ConfigService`). */
  static override forRootAsync(options: typeof POSTGRES_ASYNC_OPTIONS_TYPE): DynamicModule {
    return super.forRootAsync(options);
  }
}
