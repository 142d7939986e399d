import { Provider } from '@nestjs/common';
import { EventTracer } from './otel/event-tracer';
import { createOtelTracer } from './otel/otel.tracer';
import { OrchestratorEventsTracingOptions } from './otel/tracing.options';

/** The integrations of `OrchestratorEventsModule.forRoot()` (module-shape settings, no env). */
export interface OrchestratorEventsIntegrations {
  /**
   * OpenTelemetry: each event logged inside an active span carries its `trace_id` and `span_id`
   * (`true`, or options; `{ spans: true }` also opens a span per `track()`). Needs the optional
   * peer `@opentelemetry/api` and an SDK registered by the app. Default `false`.
   */
  tracing?: boolean | OrchestratorEventsTracingOptions;
}

const optionsOf = <T extends object>(value: boolean | T | undefined): T | undefined =>
  value === undefined || value === false ? undefined : value === true ? ({} as T) : value;

/**
 * The providers of the configured integrations, none for the others: their optional peers are
 * loaded (and a missing one reported) only when the app asks for them.
 */
export function integrationProviders(integrations: OrchestratorEventsIntegrations): Provider[] {
  const providers: Provider[] = [];
  const tracing = optionsOf(integrations.tracing);
  if (tracing !== undefined) {
    providers.push({ provide: EventTracer, useFactory: () => createOtelTracer(tracing) });
  }
  return providers;
}
