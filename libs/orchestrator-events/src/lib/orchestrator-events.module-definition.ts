import { ConfigurableModuleBuilder } from '@nestjs/common';
import { OrchestratorEventsModuleOptions } from './orchestrator-events.options';

export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<OrchestratorEventsModuleOptions>({
    moduleName: 'OrchestratorEvents',
  })
    .setClassMethodName('forRoot')
    .setExtras({ isGlobal: true }, (definition, extras) => ({
      ...definition,
      global: extras.isGlobal,
    }))
    .build();
