/** Every text of the metrics module's errors, in one place. */
export const METRICS_MESSAGES = {
  badPrefix: () => 'expected [a-zA-Z_:][a-zA-Z0-9_:]* (Prometheus metric names)',
  badRegistry: () =>
    'expected a prom-client Registry (registerMetric, removeSingleMetric, getSingleMetric)',
  alreadyRegistered: (name: string) =>
    `Metric ${name} is already registered: another OrchestratorEventsModule with metrics ` +
    'in this process? Give each its own metrics.prefix or metrics.registry.',
} as const;
