/** Attribute prefix of an event's extra fields in its log record: `extras.<field>`. */
export const DEFAULT_EXTRAS_PREFIX = 'extras.';

/** How events become OpenTelemetry log records (`logs` of `OrchestratorEventsTracingModule`). */
export interface OrchestratorEventsLogRecordsOptions {
  /**
   * Prefix of the attributes that carry the event's extra fields, nested objects flattened with
   * dots (`extras.error.message`). Default `extras.`.
   */
  extrasPrefix?: string;
  /** Extra-field attributes per record at most; the rest are left out. Default 32. */
  maxExtras?: number;
  /** Longest string attribute, in characters; longer ones are cut. Default 1024. */
  maxValueLength?: number;
  /** Name of the OpenTelemetry logger the records come from. Default `@orchestrator/events`. */
  loggerName?: string;
}

/**
 * Options of `OrchestratorEventsTracingModule.forRoot()`: trace ids on events (always), spans
 * around `track()` (`spans`) and every event as an OpenTelemetry log record (`logs`). Needs the
 * optional peer `@opentelemetry/api` (and, for ids to exist, an OpenTelemetry SDK that the app
 * registers itself). `forRoot()` is `{}`: trace ids only.
 */
export interface OrchestratorEventsTracingOptions {
  /**
   * Also open a span around each `track(name, fields, fn)`, named `name` (with the
   * `orchestrator.task_id` / `orchestrator.run_id` attributes it has), ended when `fn` settles and
   * marked as an error when it throws. Its `<name>_started` / `_completed` / `_failed` events, and
   * every event logged inside `fn`, then carry that span's ids. Default `false`.
   */
  spans?: boolean;
  /**
   * Emit each event as a LogRecord through `@opentelemetry/api-logs` (an optional peer, loaded
   * only when this is on) to the app's registered LoggerProvider: severity from the level, body
   * the message (or the event name), attributes `event`, `task_id`, `run_id`, `status`,
   * `orch_id`, `event_id` and the extra fields under `extrasPrefix`, in the active trace context.
   * `true`, or options. Default `false`.
   */
  logs?: boolean | OrchestratorEventsLogRecordsOptions;
}

/** The log-record options with defaults applied. */
export interface ResolvedLogRecordsOptions {
  extrasPrefix: string;
  maxExtras: number;
  maxValueLength: number;
  loggerName: string;
}

/** `logs` with its defaults, or `undefined` when off. */
export function resolveLogRecords(
  logs: OrchestratorEventsTracingOptions['logs'],
): ResolvedLogRecordsOptions | undefined {
  if (logs === undefined || logs === false) return undefined;
  const given = logs === true ? {} : logs;
  return {
    extrasPrefix: given.extrasPrefix ?? DEFAULT_EXTRAS_PREFIX,
    maxExtras: given.maxExtras ?? 32,
    maxValueLength: given.maxValueLength ?? 1024,
    loggerName: given.loggerName ?? '@orchestrator/events',
  };
}
