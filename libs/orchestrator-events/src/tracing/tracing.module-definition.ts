import { ConfigurableModuleBuilder } from '@nestjs/common';
import { OrchestratorEventsTracingOptions } from './tracing.options';

export const {
  ConfigurableModuleClass: TracingConfigurableModule,
  MODULE_OPTIONS_TOKEN: TRACING_MODULE_OPTIONS,
  OPTIONS_TYPE: TRACING_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: TRACING_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OrchestratorEventsTracingOptions>({
  moduleName: 'OrchestratorEventsTracing',
})
  .setClassMethodName('forRoot')
  // Global: the core's EventLogger finds the EventTracer it exports without importing this module.
  .setExtras({}, (definition) => ({ ...definition, global: true }))
  .build();
