import { ConfigurableModuleBuilder } from '@nestjs/common';
import { OrchestratorEventsMetricsOptions } from './metrics.options';

export const {
  ConfigurableModuleClass: MetricsConfigurableModule,
  MODULE_OPTIONS_TOKEN: METRICS_MODULE_OPTIONS,
  OPTIONS_TYPE: METRICS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: METRICS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OrchestratorEventsMetricsOptions>({
  moduleName: 'OrchestratorEventsMetrics',
})
  .setClassMethodName('forRoot')
  .build();
