import { OptionProblems } from '../lib/options/option-problems';
import { bad, ok, Read, readText } from '../lib/options/option-readers';
import { METRICS_MESSAGES as M } from './metrics.messages';

/**
 * The part of a prom-client `Registry` the metrics use. Structural, so that the library's public
 * types name no prom-client type and compile in apps without it; any prom-client 15 `Registry`
 * fits.
 */
export interface PrometheusRegistry {
  registerMetric(metric: never): void;
  removeSingleMetric(name: string): void;
  getSingleMetric(name: string): unknown;
}

/**
 * `OrchestratorEventsMetricsModule.forRoot(options)`: Prometheus metrics of the logger, read from its
 * counters when scraped (so `log()` pays nothing for them). Needs the optional peer `prom-client`.
 * `forRoot()` is `{}`: every default below.
 */
export interface OrchestratorEventsMetricsOptions {
  /**
   * Start of every metric name; must match `[a-zA-Z_:][a-zA-Z0-9_:]*`. Default
   * `orchestrator_events_` (`orchestrator_events_logged_total{level="INFO"}`).
   */
  prefix?: string;
  /**
   * The registry the metrics are registered in (and removed from when the app closes). Default
   * prom-client's global `register`, the one `GET /metrics` handlers usually serve.
   */
  registry?: PrometheusRegistry;
}

/** The default `prefix`. */
export const DEFAULT_METRICS_PREFIX = 'orchestrator_events_';

/** The options with defaults applied and checked (the registry's default is prom-client's). */
export interface ResolvedMetricsOptions {
  prefix: string;
  registry: PrometheusRegistry | undefined;
}

function readRegistry(value: unknown): Read<PrometheusRegistry> {
  const registry = value as Partial<Record<keyof PrometheusRegistry, unknown>>;
  return typeof value === 'object' &&
    value !== null &&
    (['registerMetric', 'removeSingleMetric', 'getSingleMetric'] as const).every(
      (method) => typeof registry[method] === 'function',
    )
    ? ok(value as PrometheusRegistry)
    : bad(M.badRegistry());
}

/** Defaults and validation; every bad value at once in one `OrchestratorEventsConfigError`. */
export function resolveMetricsOptions(
  options: OrchestratorEventsMetricsOptions,
): ResolvedMetricsOptions {
  const problems = new OptionProblems();
  const resolved = {
    prefix: problems.read('metrics option prefix', options.prefix, DEFAULT_METRICS_PREFIX, (v) =>
      readText(v, /^[a-zA-Z_:][a-zA-Z0-9_:]*$/, M.badPrefix()),
    ),
    registry: problems.read('metrics option registry', options.registry, undefined, readRegistry),
  };
  problems.throwIfAny();
  return resolved;
}
