import type * as OtelApi from '@opentelemetry/api';
import type * as LogsApi from '@opentelemetry/api-logs';
import type { EventInput, EventLevel } from '@orchestrator/events-contract';
import { EventContext } from '../lib/event-context';
import { requirePeer } from '../lib/optional-peer';
import { ExtrasFlattener } from './log-attributes';
import { ResolvedLogRecordsOptions } from './tracing-module.options';

/**
 * Each event as an OpenTelemetry LogRecord, emitted through the global LoggerProvider that the
 * app registered (`logs.setGlobalLoggerProvider`, or the Node SDK). Emitting hands the record to
 * the SDK's processor: with the batch processor, the export happens later, off `log()`.
 */
export class OtelLogRecords {
  private readonly severity: Record<EventLevel, LogsApi.SeverityNumber>;
  private readonly extras: ExtrasFlattener;
  private logger: LogsApi.Logger | undefined;

  constructor(
    private readonly logsApi: typeof LogsApi,
    private readonly api: typeof OtelApi,
    private readonly options: ResolvedLogRecordsOptions,
    private readonly orchId: string,
    redactKeys: readonly string[],
  ) {
    const { SeverityNumber } = logsApi;
    this.severity = {
      DEBUG: SeverityNumber.DEBUG,
      INFO: SeverityNumber.INFO,
      WARNING: SeverityNumber.WARN,
      ERROR: SeverityNumber.ERROR,
    };
    this.extras = new ExtrasFlattener(options, new Set(redactKeys.map((k) => k.toLowerCase())));
  }

  /** One record for one event; never throws (a failing SDK costs the record, not the event). */
  emit(input: EventInput, level: EventLevel, id: string, context: EventContext | undefined): void {
    try {
      // Asked once, lazily: a provider registered after the module started is still found.
      this.logger ??= this.logsApi.logs.getLogger(this.options.loggerName);
      const attributes: LogsApi.LogAttributes = {
        event: input.event,
        orch_id: this.orchId,
        event_id: id,
      };
      const taskId = input.task_id ?? context?.task_id;
      const runId = input.run_id ?? context?.run_id;
      if (typeof taskId === 'string') attributes['task_id'] = taskId;
      if (typeof runId === 'string') attributes['run_id'] = runId;
      if (typeof input.status === 'string') attributes['status'] = input.status;
      this.extras.addTo(attributes, input);
      const message = input['message'];
      this.logger.emit({
        severityNumber: this.severity[level],
        severityText: level,
        body: typeof message === 'string' && message !== '' ? message : input.event,
        attributes,
        context: this.api.context.active(),
      });
    } catch {
      // Never into the caller of log().
    }
  }
}

/** The records for the `logs` option; `MissingPeerError` when `@opentelemetry/api-logs` is missing. */
export function createLogRecords(
  api: typeof OtelApi,
  options: ResolvedLogRecordsOptions,
  orchId: string,
  redactKeys: readonly string[],
): OtelLogRecords {
  const logsApi = requirePeer(
    '@opentelemetry/api-logs',
    'OpenTelemetry log records (logs of OrchestratorEventsTracingModule)',
    // A literal require: bundlers see the name; it runs only when logs are on.
    () => require('@opentelemetry/api-logs') as typeof LogsApi,
  );
  return new OtelLogRecords(logsApi, api, options, orchId, redactKeys);
}
