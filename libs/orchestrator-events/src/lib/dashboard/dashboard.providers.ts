import { CanActivate, Provider, Type } from '@nestjs/common';
import { DashboardAssets } from './dashboard-assets';
import { DashboardMount } from './dashboard-mount.service';
import {
  DASHBOARD_OPTIONS,
  OrchestratorEventsDashboardOptions,
  resolveDashboardOptions,
} from './dashboard.options';

/** The `dashboard` extra of `OrchestratorEventsModule.forRoot()`. */
export interface OrchestratorEventsDashboardExtra {
  /**
   * Serve the dashboard page from the app (`{ path: 'orchestrator' }` at `/orchestrator/`),
   * behind the module's `guards`; its files ship inside this package. Default `false`.
   */
  dashboard?: OrchestratorEventsDashboardOptions | false;
}

/**
 * The providers of the dashboard, none when it is off. The options are checked here, when the
 * module is defined: a bad path stops the app before anything listens.
 */
export function dashboardProviders(extras: {
  dashboard?: OrchestratorEventsDashboardOptions | false;
  controller?: { path?: string } | false;
  guards?: (Type<CanActivate> | CanActivate)[];
}): Provider[] {
  const options = resolveDashboardOptions(extras.dashboard, extras.controller, extras.guards);
  if (options === undefined) return [];
  return [
    { provide: DASHBOARD_OPTIONS, useValue: options },
    // Read when the app starts: missing files are a startup error, not a 404 later.
    { provide: DashboardAssets, useFactory: () => DashboardAssets.load() },
    DashboardMount,
  ];
}
