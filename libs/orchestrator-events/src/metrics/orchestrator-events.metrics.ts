import { OnModuleDestroy } from '@nestjs/common';
import type * as PromClient from 'prom-client';
import { requirePeer } from '../lib/shared/optional-peer';
import { OrchestratorEventsStatus } from '../lib/orchestrator-events.status';
import { METRIC_DEFINITIONS, MetricsSnapshot } from './metric-definitions';
import { METRICS_MESSAGES as M } from './metrics.messages';
import {
  OrchestratorEventsMetricsOptions,
  PrometheusRegistry,
  resolveMetricsOptions,
} from './metrics.options';

/**
 * The logger's Prometheus metrics, registered when the module starts and removed when it closes.
 * Nothing is counted on the logging path: each metric's `collect()` reads `EventLogger.stats()`,
 * through `OrchestratorEventsStatus` (the SSE hub, the bus, the history sources) when Prometheus scrapes (a few object reads per metric).
 */
export class OrchestratorEventsMetrics implements OnModuleDestroy {
  private readonly names: string[] = [];

  constructor(
    private readonly registry: PrometheusRegistry,
    prom: typeof PromClient,
    prefix: string,
    private readonly status: OrchestratorEventsStatus,
  ) {
    for (const name of METRIC_DEFINITIONS.map((d) => prefix + d.name)) {
      if (registry.getSingleMetric(name) !== undefined) {
        throw new Error(M.alreadyRegistered(name));
      }
    }
    const read = () => this.snapshot();
    for (const definition of METRIC_DEFINITIONS) {
      const name = prefix + definition.name;
      const labelNames = definition.label === undefined ? [] : [definition.label];
      // Counters expose totals kept by the logger: each scrape sets them to the current total
      // (reset, then add it), which prom-client's public API allows only this way.
      const collect = function (this: PromClient.Counter | PromClient.Gauge): void {
        const value = definition.read(read());
        const metric = this as PromClient.Gauge;
        metric.reset();
        if (typeof value === 'number') {
          if (this instanceof prom.Counter) this.inc(value);
          else metric.set(value);
          return;
        }
        for (const [label, n] of Object.entries(value)) {
          const labels = { [definition.label as string]: label };
          if (this instanceof prom.Counter) this.inc(labels, n);
          else metric.set(labels, n);
        }
      };
      const config = { name, help: definition.help, labelNames, registers: [], collect };
      const metric =
        definition.type === 'counter' ? new prom.Counter(config) : new prom.Gauge(config);
      (registry as PromClient.Registry).registerMetric(metric);
      this.names.push(name);
    }
  }

  onModuleDestroy(): void {
    for (const name of this.names) this.registry.removeSingleMetric(name);
    this.names.length = 0;
  }

  private snapshot(): MetricsSnapshot {
    const status = this.status.snapshot();
    return {
      stats: status.events,
      sseClients: status.streams.clients,
      sseClientsCut: status.streams.cut,
      bus: status.bus,
      history: status.history,
    };
  }
}

/**
 * The metrics of `OrchestratorEventsMetricsModule`: `MissingPeerError` when `prom-client` is not installed,
 * an `OrchestratorEventsConfigError` when the prefix breaks Prometheus's naming rule.
 */
export function createMetrics(
  options: OrchestratorEventsMetricsOptions,
  status: OrchestratorEventsStatus,
): OrchestratorEventsMetrics {
  const prom = requirePeer(
    'prom-client',
    'Prometheus metrics (OrchestratorEventsMetricsModule)',
    // A literal require: bundlers see the name; it runs only when the integration is configured.
    () => require('prom-client') as typeof PromClient,
  );
  const { prefix, registry } = resolveMetricsOptions(options);
  return new OrchestratorEventsMetrics(registry ?? prom.register, prom, prefix, status);
}
