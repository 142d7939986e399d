import { OrchestratorEventsConfigError } from '../lib/shared/orchestrator-events.errors';
import type { EventsRoute } from '../lib/http/sse-fast-path.service';
import { DASHBOARD_MESSAGES as M } from './dashboard.messages';

/**
 * Options of `OrchestratorEventsDashboardModule.forRoot()`: the page that watches the events,
 * served from the app behind the guards of `OrchestratorEventsModule`.
 */
export interface OrchestratorEventsDashboardOptions {
  /**
   * Where the page is served, from the root of the app, like `SwaggerModule.setup()` (not under
   * the global prefix): `'orchestrator'` serves `/orchestrator/`. One or more segments of letters,
   * digits and `-._~`, separated by `/`. Required (no default).
   */
  path: string;
  /**
   * Link from an event carrying `trace_id` (see `OrchestratorEventsTracingModule`) to your tracing
   * UI: an http(s) URL with `{trace_id}` in it, and `{span_id}` if you like, e.g.
   * `https://jaeger.example.com/trace/{trace_id}`. Default: no link.
   */
  traceUrl?: string;
}

/** The dashboard as the module serves it. */
export interface ResolvedDashboardOptions {
  /** The mount path without leading or trailing slash: `orchestrator`, `ops/events`. */
  path: string;
  traceUrl: string | undefined;
}

/** Injection token of `ResolvedDashboardOptions`. */
export const DASHBOARD_OPTIONS = Symbol('ORCH_DASHBOARD_OPTIONS');

const SEGMENTS = /^[A-Za-z0-9._~-]+(?:\/[A-Za-z0-9._~-]+)*$/;

function pathOf(raw: unknown): string | undefined {
  const path = typeof raw === 'string' ? raw.replace(/^\/+|\/+$/g, '') : raw;
  return typeof path === 'string' &&
    SEGMENTS.test(path) &&
    !path.split('/').some((segment) => segment === '.' || segment === '..')
    ? path
    : undefined;
}

function traceUrlOk(traceUrl: unknown): boolean {
  return (
    traceUrl === undefined ||
    (typeof traceUrl === 'string' &&
      /^https?:\/\/[^\s]+$/i.test(traceUrl) &&
      traceUrl.includes('{trace_id}'))
  );
}

/**
 * Checks the options against the core module's route when the app starts (before anything
 * listens); every bad value at once in one `OrchestratorEventsConfigError`.
 */
export function resolveDashboardOptions(
  options: OrchestratorEventsDashboardOptions,
  route: EventsRoute,
): ResolvedDashboardOptions {
  const problems: string[] = [];
  const bad = (setting: string, value: unknown, allowed: string) =>
    problems.push(new OrchestratorEventsConfigError(setting, value, allowed).message);
  const raw: unknown = (options as Partial<OrchestratorEventsDashboardOptions> | undefined)?.path;
  const path = pathOf(raw);
  if (path === undefined) bad('dashboard option path', raw, M.badPath());
  const traceUrl = options?.traceUrl;
  if (!traceUrlOk(traceUrl)) bad('dashboard option traceUrl', traceUrl, M.badTraceUrl());
  if (route.path === false) bad('option controller', false, M.noController());
  if (problems.length > 0) throw new OrchestratorEventsConfigError(problems);
  return { path: path ?? '', traceUrl };
}
