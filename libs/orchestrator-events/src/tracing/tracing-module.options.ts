import { OrchestratorEventsTracingOptions } from '../lib/integrations/otel/tracing.options';
import { OptionProblems } from '../lib/options/option-problems';
import { readInteger, readText } from '../lib/options/option-readers';

/** What the log-record options allow, for their start-up errors. */
const M = {
  extrasPrefix: 'expected a string of at most 256 characters',
  loggerName: 'expected a string of 1-256 characters',
} as const;

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
 * around `track()` (`spans`) and every event as an OpenTelemetry log record (`logs`).
 */
export interface OrchestratorEventsTracingModuleOptions extends OrchestratorEventsTracingOptions {
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

/**
 * `logs` with its defaults, or `undefined` when off; every bad value at once in one
 * `OrchestratorEventsConfigError`.
 */
export function resolveLogRecords(
  logs: OrchestratorEventsTracingModuleOptions['logs'],
): ResolvedLogRecordsOptions | undefined {
  if (logs === undefined || logs === false) return undefined;
  const given = logs === true ? {} : logs;
  const problems = new OptionProblems();
  const at = (name: string) => `tracing option logs.${name}`;
  const resolved = {
    extrasPrefix: problems.read(
      at('extrasPrefix'),
      given.extrasPrefix,
      DEFAULT_EXTRAS_PREFIX,
      (v) => readText(v, /^.{0,256}$/s, M.extrasPrefix),
    ),
    maxExtras: problems.read(at('maxExtras'), given.maxExtras, 32, (v) =>
      readInteger(v, 0, 10_000),
    ),
    maxValueLength: problems.read(at('maxValueLength'), given.maxValueLength, 1024, (v) =>
      readInteger(v, 1, 1024 * 1024),
    ),
    loggerName: problems.read(at('loggerName'), given.loggerName, '@orchestrator/events', (v) =>
      readText(v, /^.{1,256}$/s, M.loggerName),
    ),
  };
  problems.throwIfAny();
  return resolved;
}
