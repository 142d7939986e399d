import type * as OtelApi from '@opentelemetry/api';
import { EventContext } from '../lib/event/event-context';
import type { EventTracer, TraceFields } from '../lib/write/event-tracer';
import { requirePeer } from '../lib/shared/optional-peer';
import { OrchestratorEventsTracingOptions } from './tracing.options';

/** Name and version of the tracer that `track()` spans come from. */
const TRACER_NAME = '@orchestrator/events';

/**
 * `EventTracer` over `@opentelemetry/api`: whatever SDK and context manager the app registered
 * decide which span is active. Made only when `OrchestratorEventsTracingModule` is imported.
 */
export class OtelEventTracer implements EventTracer {
  readonly span?: EventTracer['span'];
  /** The last span seen and its ids: consecutive events of one span share one fields object. */
  private lastSpan: OtelApi.Span | undefined;
  private lastFields: TraceFields | undefined;

  constructor(
    private readonly api: typeof OtelApi,
    options: OrchestratorEventsTracingOptions,
  ) {
    if (options.spans) this.span = (name, context, fn) => this.inSpan(name, context, fn);
  }

  current(): TraceFields | undefined {
    const span = this.api.trace.getActiveSpan();
    if (span === undefined) return undefined;
    if (span === this.lastSpan) return this.lastFields;
    const context = span.spanContext();
    // A non-recording placeholder (no SDK, or an invalid parent) has all-zero ids: no link to make.
    const fields = this.api.isSpanContextValid(context)
      ? { trace_id: context.traceId, span_id: context.spanId }
      : undefined;
    this.lastSpan = span;
    this.lastFields = fields;
    return fields;
  }

  private inSpan<T>(name: string, context: EventContext, fn: () => Promise<T>): Promise<T> {
    const tracer = this.api.trace.getTracer(TRACER_NAME);
    const attributes: OtelApi.Attributes = {};
    if (context.task_id !== undefined) attributes['orchestrator.task_id'] = context.task_id;
    if (context.run_id !== undefined) attributes['orchestrator.run_id'] = context.run_id;
    return tracer.startActiveSpan(name, { attributes }, async (span) => {
      try {
        return await fn();
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({
          code: this.api.SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
        throw error;
      } finally {
        span.end();
      }
    });
  }
}

/** The tracer of the tracing module; `MissingPeerError` when `@opentelemetry/api` is not installed. */
export function createOtelTracer(options: OrchestratorEventsTracingOptions): OtelEventTracer {
  const api = requirePeer(
    '@opentelemetry/api',
    'Tracing (OrchestratorEventsTracingModule)',
    // A literal require: bundlers see the name; it runs only when the module is imported.
    () => require('@opentelemetry/api') as typeof OtelApi,
  );
  return new OtelEventTracer(api, options);
}
