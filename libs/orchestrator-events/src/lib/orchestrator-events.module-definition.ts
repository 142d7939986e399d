import { CanActivate, ConfigurableModuleBuilder, Type } from '@nestjs/common';
import { createEventsController } from './http/events.controller';
import {
  createCountsController,
  createRunsController,
  runsPathOf,
} from './http/history.controllers';
import type { EventsRoute } from './http/sse-fast-path.service';
import { ORCH_EVENTS_ROUTE } from './shared/orchestrator-events.constants';
import { OrchestratorEventsModuleOptions } from './options/orchestrator-events.options';

/**
 * Default route of the events controller, under the app's global prefix (the client's
 * `DEFAULT_EVENTS_PATH` is the same route with the demo's `/api/v1` prefix).
 */
export const DEFAULT_CONTROLLER_PATH = 'orchestrator/events';

/**
 * Module-shape settings, known when the module is defined (before any async factory runs):
 * - `isGlobal` (default true): inject `EventLogger` anywhere after one `forRoot()`;
 * - `controller` (default `{ path: 'orchestrator/events' }`): where the REST and SSE endpoints are
 *   registered, or `false` to register none;
 * - `guards` (default none): Nest guards (JWT, sessions, ...) applied to both endpoints after the
 *   `ORCH_EVENTS_TOKEN` check (and to the dashboard's page). Guard classes are instantiated in
 *   this module's scope.
 *
 * Integrations are modules of their own, each with its entry point (`OrchestratorEventsTracingModule`,
 * `OrchestratorEventsDashboardModule`, ...), plugged in through the tokens this module exports.
 */
export interface OrchestratorEventsModuleExtras {
  isGlobal?: boolean;
  controller?: { path?: string } | false;
  guards?: (Type<CanActivate> | CanActivate)[];
}

export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<OrchestratorEventsModuleOptions>({
    moduleName: 'OrchestratorEvents',
  })
    .setClassMethodName('forRoot')
    .setExtras<OrchestratorEventsModuleExtras>(
      // Every extra needs a default here: Nest keeps only these keys out of the resolved options.
      {
        isGlobal: true,
        controller: { path: DEFAULT_CONTROLLER_PATH },
        guards: [],
      },
      (definition, extras) => ({
        ...definition,
        global: extras.isGlobal,
        providers: [
          ...(definition.providers ?? []),
          {
            provide: ORCH_EVENTS_ROUTE,
            useValue: {
              path:
                extras.controller === false
                  ? false
                  : (extras.controller?.path ?? DEFAULT_CONTROLLER_PATH),
              guards: extras.guards ?? [],
            } satisfies EventsRoute,
          },
        ],
        controllers:
          extras.controller === false
            ? []
            : [
                createEventsController(
                  extras.controller?.path ?? DEFAULT_CONTROLLER_PATH,
                  extras.guards ?? [],
                ),
                createCountsController(
                  extras.controller?.path ?? DEFAULT_CONTROLLER_PATH,
                  extras.guards ?? [],
                ),
                createRunsController(
                  runsPathOf(extras.controller?.path ?? DEFAULT_CONTROLLER_PATH),
                  extras.guards ?? [],
                ),
              ],
      }),
    )
    .build();
