import { DynamicModule, Module } from '@nestjs/common';
import type { EventsRoute } from '../lib/http/sse-fast-path.service';
import { ORCH_EVENTS_ROUTE } from '../lib/shared/orchestrator-events.constants';
import { DashboardAssets } from './dashboard-assets';
import { DashboardMount } from './dashboard-mount.service';
import {
  DASHBOARD_ASYNC_OPTIONS_TYPE,
  DASHBOARD_MODULE_OPTIONS,
  DASHBOARD_OPTIONS_TYPE,
  DashboardConfigurableModule,
} from './dashboard.module-definition';
import {
  DASHBOARD_OPTIONS,
  OrchestratorEventsDashboardOptions,
  resolveDashboardOptions,
} from './dashboard.options';

/**
 * The dashboard page, served from the app's own HTTP server at `/<path>/` (outside the global
 * prefix), behind the guards of `OrchestratorEventsModule`; its files ship inside this package.
 * Import it beside `OrchestratorEventsModule.forRoot()`:
 *
 * ```ts
 * OrchestratorEventsDashboardModule.forRoot({ path: 'dashboard' })
 * ```
 *
 * It reads the core module's route and guards (`ORCH_EVENTS_ROUTE`) and `HistorySources`, which the
 * core module (global by default) exports. See docs/dashboard.md.
 */
@Module({
  providers: [
    {
      provide: DASHBOARD_OPTIONS,
      useFactory: (options: OrchestratorEventsDashboardOptions, route: EventsRoute) =>
        resolveDashboardOptions(options, route),
      inject: [DASHBOARD_MODULE_OPTIONS, ORCH_EVENTS_ROUTE],
    },
    // Read when the app starts: missing files are a startup error, not a 404 later.
    { provide: DashboardAssets, useFactory: () => DashboardAssets.load() },
    DashboardMount,
  ],
})
export class OrchestratorEventsDashboardModule extends DashboardConfigurableModule {
  /** See `OrchestratorEventsDashboardOptions`; `path` is required. */
  static override forRoot(options: typeof DASHBOARD_OPTIONS_TYPE): DynamicModule {
    return super.forRoot(options);
  }

  /** Like `forRoot`, with the options from a factory (e.g. `ConfigService`). */
  static override forRootAsync(options: typeof DASHBOARD_ASYNC_OPTIONS_TYPE): DynamicModule {
    return super.forRootAsync(options);
  }
}
