import type * as OtelApi from '@opentelemetry/api';
import type * as LogsApi from '@opentelemetry/api-logs';
import type { EventLevel, OrchestratorEvent } from '@orchestrator/events-contract';
import type { BuiltEvent } from '../lib/event/line-event';
import { requirePeer } from '../lib/shared/optional-peer';
import { ExtrasFlattener } from './log-attributes';
import { ResolvedLogRecordsOptions } from './tracing.options';

/**
 * Each event as an OpenTelemetry LogRecord, emitted through the global LoggerProvider that the
 * app registered (`logs.setGlobalLoggerProvider`, or the Node SDK).
 *
 * `log()` only notes the event and the active context (two array slots); the records are made at
 * the end of the event-loop turn, from the event as written to the file (redacted, cut, JSON-safe),
 * in the context noted: making a record through the SDK costs several times a `log()` call, and
 * the caller should not pay it. The SDK's batch processor then exports later still.
 */
export class OtelLogRecords {
  private readonly severity: Record<EventLevel, LogsApi.SeverityNumber>;
  private readonly extras: ExtrasFlattener;
  private logger: LogsApi.Logger | undefined;
  private events: BuiltEvent[] = [];
  private contexts: OtelApi.Context[] = [];

  constructor(
    private readonly logsApi: typeof LogsApi,
    private readonly api: typeof OtelApi,
    private readonly options: ResolvedLogRecordsOptions,
  ) {
    const { SeverityNumber } = logsApi;
    this.severity = {
      DEBUG: SeverityNumber.DEBUG,
      INFO: SeverityNumber.INFO,
      WARNING: SeverityNumber.WARN,
      ERROR: SeverityNumber.ERROR,
    };
    this.extras = new ExtrasFlattener(options);
  }

  /** Notes one event, in the caller's context; never throws. */
  record(event: BuiltEvent): void {
    try {
      if (this.events.length === 0) setImmediate(this.emitNoted);
      this.events.push(event);
      this.contexts.push(this.api.context.active());
    } catch {
      // Never into the caller of log().
    }
  }

  /** The records of the events noted this turn, in order. */
  private readonly emitNoted = (): void => {
    const events = this.events;
    const contexts = this.contexts;
    this.events = [];
    this.contexts = [];
    // Asked here, not at start: a provider registered after the module started is still found.
    this.logger ??= this.logsApi.logs.getLogger(this.options.loggerName);
    for (let i = 0; i < events.length; i++) this.emit(events[i].event, contexts[i]);
  };

  private emit(event: OrchestratorEvent, context: OtelApi.Context): void {
    try {
      const attributes: LogsApi.LogAttributes = {
        event: event.event,
        orch_id: event.orch_id,
        event_id: event.event_id,
      };
      if (typeof event.task_id === 'string') attributes['task_id'] = event.task_id;
      if (typeof event.run_id === 'string') attributes['run_id'] = event.run_id;
      if (typeof event.status === 'string') attributes['status'] = event.status;
      this.extras.addTo(attributes, event);
      const message = event['message'];
      const time = Date.parse(event.timestamp);
      this.logger?.emit({
        severityNumber: this.severity[event.level as EventLevel],
        severityText: event.level,
        body: typeof message === 'string' && message !== '' ? message : event.event,
        attributes,
        context,
        ...(Number.isFinite(time) ? { timestamp: time } : {}),
      });
    } catch {
      // A failing SDK costs the record, never the event.
    }
  }
}

/** The records for the `logs` option; `MissingPeerError` when `@opentelemetry/api-logs` is missing. */
export function createLogRecords(
  api: typeof OtelApi,
  options: ResolvedLogRecordsOptions,
): OtelLogRecords {
  const logsApi = requirePeer(
    '@opentelemetry/api-logs',
    'OpenTelemetry log records (logs of OrchestratorEventsTracingModule)',
    // A literal require: bundlers see the name; it runs only when logs are on.
    () => require('@opentelemetry/api-logs') as typeof LogsApi,
  );
  return new OtelLogRecords(logsApi, api, options);
}
