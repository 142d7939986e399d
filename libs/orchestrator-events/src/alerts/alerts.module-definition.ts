import { ConfigurableModuleBuilder } from '@nestjs/common';
import { OrchestratorEventsAlertsOptions } from './alerts.options';

export const {
  ConfigurableModuleClass: AlertsConfigurableModule,
  MODULE_OPTIONS_TOKEN: ALERTS_MODULE_OPTIONS,
  OPTIONS_TYPE: ALERTS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: ALERTS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OrchestratorEventsAlertsOptions>({
  moduleName: 'OrchestratorEventsAlerts',
})
  .setClassMethodName('forRoot')
  .build();
