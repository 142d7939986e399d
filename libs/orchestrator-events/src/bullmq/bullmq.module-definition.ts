import { ConfigurableModuleBuilder } from '@nestjs/common';
import { OrchestratorEventsBullMQOptions } from './bullmq.options';

/** Injection token of the resolved BullMQ capture options (`ResolvedBullMQOptions`). */
export const ORCH_EVENTS_BULLMQ_OPTIONS = Symbol('ORCH_EVENTS_BULLMQ_OPTIONS');

/**
 * Module-shape settings of `OrchestratorEventsBullMQModule`: `isGlobal` (default true), so that
 * `BullMQJobContext` can be injected into processors of any module.
 */
export interface OrchestratorEventsBullMQModuleExtras {
  isGlobal?: boolean;
}

export const {
  ConfigurableModuleClass: BullMQConfigurableModule,
  MODULE_OPTIONS_TOKEN: BULLMQ_MODULE_OPTIONS,
  OPTIONS_TYPE: BULLMQ_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: BULLMQ_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OrchestratorEventsBullMQOptions>({
  moduleName: 'OrchestratorEventsBullMQ',
})
  .setClassMethodName('forRoot')
  .setExtras<OrchestratorEventsBullMQModuleExtras>({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
