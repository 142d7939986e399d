import { EventContext } from '../event/event-context';
import type { BuiltEvent } from '../event/line-event';

/** Trace ids an event carries: those of the span active where it was logged, as W3C hex. */
export interface TraceFields {
  /** 32 lowercase hex characters. */
  trace_id: string;
  /** 16 lowercase hex characters. */
  span_id: string;
}

/**
 * The core's hook for a tracing integration: what `EventLogger` asks of it. The logger knows
 * nothing of OpenTelemetry: it calls this when a module provides one (`OrchestratorEventsTracingModule`,
 * `@orchestrator/events/tracing`), and nothing at all otherwise, so an app without tracing pays one
 * `undefined` check per event.
 */
export interface EventTracer {
  /** Ids of the span active now, or `undefined` outside any (valid) span. */
  current(): TraceFields | undefined;
  /**
   * Runs `fn` inside a new active span named `name` (with the step's task and run ids as
   * attributes) that ends when `fn` settles, with an error status when it throws. Absent when
   * `track()` should open no spans.
   */
  span?<T>(name: string, context: EventContext, fn: () => Promise<T>): Promise<T>;
  /**
   * Called by `log()` once the event's line is built, where it was logged (the caller's trace
   * context active): the log records of the tracing module. Absent when nothing wants each event.
   * Must not throw, and should return at once (the record is made later, off the caller).
   */
  record?(event: BuiltEvent): void;
}

/** Injection token of the optional `EventTracer` (interface and token share one name). */
export const EventTracer = Symbol('EventTracer');
