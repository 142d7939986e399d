import { ConfigurableModuleBuilder } from '@nestjs/common';
import { OrchestratorEventsRedisOptions } from './redis.options';

/**
 * Injection token of the resolved options (`ResolvedRedisOptions`), exported by the global
 * `OrchestratorEventsRedisModule`: the alerts module keeps its claims in the same Redis with it.
 */
export const ORCH_EVENTS_REDIS_OPTIONS = Symbol('ORCH_EVENTS_REDIS_OPTIONS');

export const {
  ConfigurableModuleClass: RedisConfigurableModule,
  MODULE_OPTIONS_TOKEN: REDIS_MODULE_OPTIONS,
  OPTIONS_TYPE: REDIS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: REDIS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OrchestratorEventsRedisOptions>({
  moduleName: 'OrchestratorEventsRedis',
})
  .setClassMethodName('forRoot')
  .build();
