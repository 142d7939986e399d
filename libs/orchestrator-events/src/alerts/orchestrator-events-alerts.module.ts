import { DynamicModule, Module } from '@nestjs/common';
import { ORCH_EVENTS_REDIS_OPTIONS } from '../redis/redis.module-definition';
import type { ResolvedRedisOptions } from '../redis/redis.options';
import { AlertClaims, MemoryAlertClaims, RedisAlertClaims } from './alert-claims';
import { AlertEngine } from './alert-engine.service';
import { ALERT_CLAIMS, ORCH_EVENTS_ALERTS_OPTIONS } from './alerts.constants';
import {
  ALERTS_ASYNC_OPTIONS_TYPE,
  ALERTS_MODULE_OPTIONS,
  ALERTS_OPTIONS_TYPE,
  AlertsConfigurableModule,
} from './alerts.module-definition';
import { OrchestratorEventsAlertsOptions } from './alerts.options';
import { resolveAlertsOptions } from './resolve-alerts-options';

/**
 * Alerts on failed and stuck runs and on error rates, sent to a signed webhook, once per run and
 * rule. Import it beside `OrchestratorEventsModule.forRoot()` (whose `EventBus`, `EventLogger` and
 * options it uses):
 *
 * ```ts
 * OrchestratorEventsAlertsModule.forRoot({
 *   webhook: { url: 'https://hooks.example.com/orchestrator', secret: process.env.ALERT_SECRET! },
 *   rules: [{ alert: 'run_failed' }, { alert: 'run_stuck', stuckAfter: '10m' }],
 * })
 * ```
 *
 * No peer beyond the core's: Node's `fetch` sends. With `OrchestratorEventsRedisModule`, claims
 * are kept in its Redis (`<stream>:alerts:<rule>:<id>`), so instances on it send one alert.
 */
@Module({
  providers: [
    {
      provide: ORCH_EVENTS_ALERTS_OPTIONS,
      useFactory: (options: OrchestratorEventsAlertsOptions) => resolveAlertsOptions(options),
      inject: [ALERTS_MODULE_OPTIONS],
    },
    {
      provide: ALERT_CLAIMS,
      // The Redis module's options, when it is imported (it is global): no look at the bus's class.
      useFactory: (
        options: OrchestratorEventsAlertsOptions,
        redis?: ResolvedRedisOptions,
      ): AlertClaims =>
        options.claims ??
        (redis === undefined
          ? new MemoryAlertClaims()
          : new RedisAlertClaims(redis.url, `${redis.stream}:alerts:`)),
      inject: [ALERTS_MODULE_OPTIONS, { token: ORCH_EVENTS_REDIS_OPTIONS, optional: true }],
    },
    AlertEngine,
  ],
})
export class OrchestratorEventsAlertsModule extends AlertsConfigurableModule {
  /** Sends the alerts of `options.rules` to `options.webhook`; see `OrchestratorEventsAlertsOptions`. */
  static override forRoot(options: typeof ALERTS_OPTIONS_TYPE): DynamicModule {
    return super.forRoot(options);
  }

  /** Like `forRoot`, with the options from a factory (e.g. `ConfigService`). */
  static override forRootAsync(options: typeof ALERTS_ASYNC_OPTIONS_TYPE): DynamicModule {
    return super.forRootAsync(options);
  }
}
