import * as path from 'node:path';
import { OrchestratorEventsConfigError } from '../shared/orchestrator-events.errors';
import { MESSAGES } from '../shared/orchestrator-events.messages';
import {
  DEFAULT_REDACT_KEYS,
  OrchestratorEventsModuleOptions,
  ResolvedOrchestratorEventsOptions,
} from './orchestrator-events.options';
import { ENV_VARIABLES, optionsFromEnv } from './options-from-env';
import {
  Read,
  readBoolean,
  readInteger,
  readKeyList,
  readLevel,
  readSize,
  readText,
} from './option-readers';

type Options = OrchestratorEventsModuleOptions;
type Resolved = ResolvedOrchestratorEventsOptions;
type Key = Exclude<keyof Resolved & keyof Options, 'logFile' | 'appLogFile'>;

const KIB = 1024;
const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

/**
 * Each setting's default and reader. The defaults are the ones the options' JSDoc names (a test
 * checks that they agree, and that the README table does).
 */
const RULES: {
  [K in Key]: { fallback: Resolved[K]; read: (value: unknown) => Read<Resolved[K]> };
} = {
  orchId: {
    fallback: 'o-glm',
    read: (v) =>
      readText(
        v,
        /^[A-Za-z0-9._-]{1,64}$/,
        'expected 1-64 characters of [A-Za-z0-9._-] (it names the log file, so no path separators)',
      ),
  },
  level: { fallback: 'INFO', read: readLevel },
  maxSize: {
    fallback: 10 * MIB,
    read: (v) => readSize(v, KIB, 1024 * GIB, '1k to 1024g', '64k, 10m'),
  },
  maxFiles: { fallback: 5, read: (v) => readInteger(v, 0, 1000) },
  maxPendingBytes: {
    fallback: 64 * MIB,
    read: (v) => readSize(v, 64 * KIB, 1024 * GIB, '64k to 1024g', '64m'),
  },
  shutdownRetryMs: { fallback: 10000, read: (v) => readInteger(v, 0, 600_000) },
  maxLineBytes: { fallback: 65536, read: (v) => readInteger(v, KIB, 64 * MIB) },
  replayBufferSize: { fallback: 1000, read: (v) => readInteger(v, 0, 10_000_000) },
  sseHeartbeatMs: { fallback: 15000, read: (v) => readInteger(v, 100, 3_600_000) },
  sseMaxBacklog: { fallback: 10000, read: (v) => readInteger(v, 1, 10_000_000) },
  sseMaxBacklogBytes: {
    fallback: 8 * MIB,
    read: (v) => readSize(v, 16 * KIB, GIB, '16k to 1g', '8m'),
  },
  token: {
    fallback: undefined,
    read: (v) =>
      readText(
        v,
        /^[\x21-\x7e]{16,512}$/,
        'expected 16-512 printable ASCII characters without spaces',
      ),
  },
  redactKeys: { fallback: DEFAULT_REDACT_KEYS, read: readKeyList },
  sseMaxClients: { fallback: 10000, read: (v) => readInteger(v, 1, 10_000_000) },
  sseMaxClientsPerIp: { fallback: 100, read: (v) => readInteger(v, 1, 10_000_000) },
  sseFastPath: { fallback: false, read: readBoolean },
};

/** How a value may appear in an error message: secrets never do. */
function shown(key: keyof Options, value: unknown): unknown {
  if (key === 'token') return '<hidden>';
  return value;
}

/** Where each resolved option came from (`ORCH_LOG_FILE`, `option logFile`), for later messages. */
const SOURCES = new WeakMap<Resolved, Partial<Record<keyof Options, string>>>();

/**
 * The setting that gave `key` its value in `resolved`: the environment variable, `option <key>`,
 * or the variable's name when the default was used. Errors found after validation (a log directory
 * that cannot be created) name the setting with it.
 */
export function settingOf(resolved: Resolved, key: keyof Options): string {
  return (
    SOURCES.get(resolved)?.[key] ??
    (ENV_VARIABLES as Partial<Record<keyof Options, string>>)[key] ??
    `option ${key}`
  );
}

/**
 * Merges options over the environment (`optionsFromEnv(options.env ?? process.env)`) over the
 * defaults, and validates the result. Reports every bad value at once, in one
 * `OrchestratorEventsConfigError`; has no side effects (the log directory is created when the
 * module starts, by the file lock, which opens the file first).
 */
export function resolveOptions(options: Options = {}): Resolved {
  const fromEnv = optionsFromEnv(options.env ?? process.env);
  const sources: Partial<Record<keyof Options, string>> = {};
  const problems: string[] = [];
  /** The raw value of `key` (option, else environment), remembering which one it was. */
  const raw = (key: keyof Options): unknown => {
    if (options[key] !== undefined) {
      sources[key] = `option ${key}`;
      return options[key];
    }
    const variable = (ENV_VARIABLES as Partial<Record<keyof Options, string>>)[key];
    if (variable !== undefined) sources[key] = variable;
    return fromEnv[key as keyof typeof fromEnv];
  };
  const values: Partial<Record<Key, unknown>> = {};
  for (const key of Object.keys(RULES) as Key[]) {
    const value = raw(key);
    if (value === undefined) {
      values[key] = RULES[key].fallback;
      continue;
    }
    const read = RULES[key].read(value);
    if (read.ok) values[key] = read.value;
    else problems.push(problem(sources[key] ?? key, shown(key, value), read.allowed));
  }
  const files = resolveFiles(raw, String(values.orchId ?? 'o-glm'), sources, problems);
  if (problems.length > 0) throw new OrchestratorEventsConfigError(problems);
  const resolved = { ...values, ...files } as Resolved;
  SOURCES.set(resolved, sources);
  return resolved;
}

/** The two file paths, absolute; the event log's default is named after the orchestrator id. */
function resolveFiles(
  raw: (key: keyof Options) => unknown,
  orchId: string,
  sources: Partial<Record<keyof Options, string>>,
  problems: string[],
): Pick<Resolved, 'logFile' | 'appLogFile'> {
  const logValue = raw('logFile');
  const logFile = path.resolve(
    logValue === undefined ? `.devlogs/orch-${orchId}.log` : String(logValue),
  );
  const appValue = raw('appLogFile');
  const appLogFile = appValue === undefined ? undefined : path.resolve(String(appValue));
  if (appLogFile !== undefined && appLogFile === logFile) {
    problems.push(
      problem(
        sources.appLogFile ?? 'LOG_FILE',
        appLogFile,
        'must differ from the event log file: one file, one writer',
      ),
    );
  }
  return { logFile, appLogFile };
}

const problem = MESSAGES.invalidSetting;
