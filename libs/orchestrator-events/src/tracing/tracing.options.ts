import { OrchestratorEventsConfigError } from '../lib/shared/orchestrator-events.errors';
import { TRACING_MESSAGES as M } from './tracing.messages';

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

type Given = Partial<Record<keyof OrchestratorEventsLogRecordsOptions, unknown>>;

/** The options with defaults applied and checked. */
export interface ResolvedTracingOptions {
  spans: boolean;
  /** `undefined` when log records are off. */
  logs: ResolvedLogRecordsOptions | undefined;
}

/**
 * Defaults and checks; every bad value at once in one `OrchestratorEventsConfigError`, each naming
 * the option, the value and what is allowed.
 */
export function resolveTracingOptions(
  options: OrchestratorEventsTracingOptions = {},
): ResolvedTracingOptions {
  const { spans, logs } = options as { spans?: unknown; logs?: unknown };
  const problems: string[] = [];
  const bad = (option: string, value: unknown, allowed: string) =>
    problems.push(
      new OrchestratorEventsConfigError(`tracing option ${option}`, value, allowed).message,
    );
  if (spans !== undefined && typeof spans !== 'boolean') bad('spans', spans, M.boolean());
  const off = logs === undefined || logs === false;
  if (!off && logs !== true && (typeof logs !== 'object' || logs === null)) {
    bad('logs', logs, M.logs());
  }
  const given: Given = typeof logs === 'object' && logs !== null ? logs : {};
  const integer = (name: 'maxExtras' | 'maxValueLength', fallback: number, min: number) => {
    const value = given[name] ?? fallback;
    if (
      typeof value === 'number' &&
      Number.isInteger(value) &&
      value >= min &&
      value <= 1_000_000
    ) {
      return value;
    }
    bad(`logs.${name}`, value, M.integer(min, 1_000_000));
    return fallback;
  };
  const text = (name: 'extrasPrefix' | 'loggerName', fallback: string, allowEmpty: boolean) => {
    const value = given[name] ?? fallback;
    if (typeof value === 'string' && (allowEmpty || value !== '')) return value;
    bad(`logs.${name}`, value, allowEmpty ? M.text() : M.loggerName());
    return fallback;
  };
  const resolved: ResolvedLogRecordsOptions = {
    extrasPrefix: text('extrasPrefix', DEFAULT_EXTRAS_PREFIX, true),
    maxExtras: integer('maxExtras', 32, 0),
    maxValueLength: integer('maxValueLength', 1024, 1),
    loggerName: text('loggerName', '@orchestrator/events', false),
  };
  if (problems.length > 0) throw new OrchestratorEventsConfigError(problems);
  return { spans: spans === true, logs: off ? undefined : resolved };
}
