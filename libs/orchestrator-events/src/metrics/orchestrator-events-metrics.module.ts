import { DynamicModule, Module } from '@nestjs/common';
import { OrchestratorEventsStatus } from '../lib/orchestrator-events.status';
import {
  METRICS_ASYNC_OPTIONS_TYPE,
  METRICS_MODULE_OPTIONS,
  METRICS_OPTIONS_TYPE,
  MetricsConfigurableModule,
} from './metrics.module-definition';
import { OrchestratorEventsMetricsOptions } from './metrics.options';
import { createMetrics, OrchestratorEventsMetrics } from './orchestrator-events.metrics';

/**
 * Prometheus metrics of the event log (`orchestrator_events_*`), read from the core's counters
 * when scraped. Import it beside `OrchestratorEventsModule.forRoot()`:
 *
 * ```ts
 * OrchestratorEventsMetricsModule.forRoot({ prefix: 'myapp_events_' })
 * ```
 *
 * Needs the optional peer `prom-client`; the app serves the registry (`GET /metrics`) itself.
 */
@Module({
  providers: [
    {
      provide: OrchestratorEventsMetrics,
      useFactory: (options: OrchestratorEventsMetricsOptions, status: OrchestratorEventsStatus) =>
        createMetrics(options, status),
      inject: [METRICS_MODULE_OPTIONS, OrchestratorEventsStatus],
    },
  ],
})
export class OrchestratorEventsMetricsModule extends MetricsConfigurableModule {
  /** See `OrchestratorEventsMetricsOptions`; `{}` is every default. */
  static override forRoot(options: typeof METRICS_OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }

  /** Like `forRoot`, with the options from a factory. */
  static override forRootAsync(options: typeof METRICS_ASYNC_OPTIONS_TYPE): DynamicModule {
    return super.forRootAsync(options);
  }
}
