import { CanActivate, Type } from '@nestjs/common';
import { OrchestratorEventsConfigError } from '../shared/orchestrator-events.errors';

/** `dashboard` of `OrchestratorEventsModule.forRoot()`: the page that watches the events. */
export interface OrchestratorEventsDashboardOptions {
  /**
   * Where the page is served, from the root of the app, like `SwaggerModule.setup()` (not under
   * the global prefix): `'orchestrator'` serves `/orchestrator/`. One or more segments of letters,
   * digits and `-._~`, separated by `/`. Required.
   */
  path: string;
  /**
   * Link from an event carrying `trace_id` (see `tracing`) to your tracing UI: an http(s) URL with
   * `{trace_id}` in it, and `{span_id}` if you like, e.g.
   * `https://jaeger.example.com/trace/{trace_id}`. Default: no link.
   */
  traceUrl?: string;
}

/** The dashboard as the module serves it. */
export interface ResolvedDashboardOptions {
  /** The mount path without leading or trailing slash: `orchestrator`, `ops/events`. */
  path: string;
  traceUrl: string | undefined;
  /** The module's `guards`: they decide who gets the page, as they do for the endpoints. */
  guards: (Type<CanActivate> | CanActivate)[];
}

/** Injection token of `ResolvedDashboardOptions`. */
export const DASHBOARD_OPTIONS = Symbol('ORCH_DASHBOARD_OPTIONS');

const SEGMENTS = /^[A-Za-z0-9._~-]+(?:\/[A-Za-z0-9._~-]+)*$/;

/**
 * Checks the `dashboard` extra when the module is defined (a bad path is a startup error, before
 * any route exists); `undefined` when the dashboard is off.
 */
export function resolveDashboardOptions(
  dashboard: OrchestratorEventsDashboardOptions | false | undefined,
  controller: { path?: string } | false | undefined,
  guards: (Type<CanActivate> | CanActivate)[] = [],
): ResolvedDashboardOptions | undefined {
  if (dashboard === undefined || dashboard === false) return undefined;
  const raw: unknown = (dashboard as { path?: unknown }).path;
  const path = typeof raw === 'string' ? raw.replace(/^\/+|\/+$/g, '') : raw;
  if (
    typeof path !== 'string' ||
    !SEGMENTS.test(path) ||
    path.split('/').some((segment) => segment === '.' || segment === '..')
  ) {
    throw new OrchestratorEventsConfigError(
      'option dashboard.path',
      raw,
      'one or more segments of letters, digits and -._~ separated by /, e.g. "orchestrator"',
    );
  }
  if (controller === false) {
    throw new OrchestratorEventsConfigError(
      'option controller',
      false,
      'the dashboard reads the events endpoints: keep the controller, or turn the dashboard off',
    );
  }
  const traceUrl = dashboard.traceUrl;
  if (
    traceUrl !== undefined &&
    (typeof traceUrl !== 'string' ||
      !/^https?:\/\/[^\s]+$/i.test(traceUrl) ||
      !traceUrl.includes('{trace_id}'))
  ) {
    throw new OrchestratorEventsConfigError(
      'option dashboard.traceUrl',
      traceUrl,
      'an http(s) URL with {trace_id} in it, e.g. "https://jaeger.example.com/trace/{trace_id}"',
    );
  }
  return { path, traceUrl, guards };
}
