import { DynamicModule, Module } from '@nestjs/common';
import { EventTracer } from '../lib/write/event-tracer';
import { createOtelTracer } from './otel.tracer';
import { createLogRecords } from './otel-log-records';
import {
  TRACING_ASYNC_OPTIONS_TYPE,
  TRACING_MODULE_OPTIONS,
  TRACING_OPTIONS_TYPE,
  TracingConfigurableModule,
} from './tracing.module-definition';
import { OrchestratorEventsTracingOptions, resolveTracingOptions } from './tracing.options';

/** The `EventTracer` of the options: trace ids always, spans and log records when asked. */
function createTracer(options: OrchestratorEventsTracingOptions): EventTracer {
  // Checked first: a bad value is reported before a missing peer.
  const { spans, logs } = resolveTracingOptions(options);
  const otel = createOtelTracer({ spans });
  // Without log records, the OpenTelemetry tracer itself: nothing between log() and it.
  if (logs === undefined) return otel;
  const tracer: EventTracer = { current: () => otel.current() };
  if (otel.span) tracer.span = otel.span;
  const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const records = createLogRecords(api, logs);
  tracer.record = (event) => records.record(event);
  return tracer;
}

/**
 * OpenTelemetry for the events: each event logged inside an active span carries its `trace_id`
 * and `span_id`; `spans: true` opens a span per `track()`; `logs: true` emits each event as an
 * OpenTelemetry LogRecord. Import it beside `OrchestratorEventsModule.forRoot()`: it provides the
 * core's `EventTracer` hook, which `EventLogger` calls on each event.
 *
 * ```ts
 * OrchestratorEventsTracingModule.forRoot({ logs: true })
 * ```
 *
 * Needs the optional peers `@opentelemetry/api` and, with `logs`, `@opentelemetry/api-logs`, and an
 * SDK (trace and/or logs provider) that the app registers itself.
 */
@Module({
  providers: [
    {
      provide: EventTracer,
      useFactory: createTracer,
      inject: [TRACING_MODULE_OPTIONS],
    },
  ],
  exports: [EventTracer],
})
export class OrchestratorEventsTracingModule extends TracingConfigurableModule {
  /** See `OrchestratorEventsTracingOptions`; `{}` stamps trace ids only. */
  static override forRoot(options: typeof TRACING_OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }

  /** Like `forRoot`, with the options from a factory. */
  static override forRootAsync(options: typeof TRACING_ASYNC_OPTIONS_TYPE): DynamicModule {
    return super.forRootAsync(options);
  }
}
