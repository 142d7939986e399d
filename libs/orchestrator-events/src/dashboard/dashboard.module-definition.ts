import { ConfigurableModuleBuilder } from '@nestjs/common';
import { OrchestratorEventsDashboardOptions } from './dashboard.options';

export const {
  ConfigurableModuleClass: DashboardConfigurableModule,
  MODULE_OPTIONS_TOKEN: DASHBOARD_MODULE_OPTIONS,
  OPTIONS_TYPE: DASHBOARD_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: DASHBOARD_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OrchestratorEventsDashboardOptions>({
  moduleName: 'OrchestratorEventsDashboard',
})
  .setClassMethodName('forRoot')
  .build();
