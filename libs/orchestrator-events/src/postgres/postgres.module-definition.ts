import { ConfigurableModuleBuilder } from '@nestjs/common';
import { OrchestratorEventsPostgresOptions } from './postgres.options';

/** Injection token of the resolved options (`ResolvedPostgresOptions`). */
export const ORCH_EVENTS_POSTGRES_OPTIONS = Symbol('ORCH_EVENTS_POSTGRES_OPTIONS');

export const {
  ConfigurableModuleClass: PostgresConfigurableModule,
  MODULE_OPTIONS_TOKEN: POSTGRES_MODULE_OPTIONS,
  OPTIONS_TYPE: POSTGRES_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: POSTGRES_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OrchestratorEventsPostgresOptions>({
  moduleName: 'OrchestratorEventsPostgres',
})
  .setClassMethodName('forRoot')
  .build();
