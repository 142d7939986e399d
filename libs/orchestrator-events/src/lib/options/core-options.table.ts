import * as path from 'node:path';
import type { OrchestratorEventsModuleOptions } from './orchestrator-events.options';
import {
  Read,
  readBoolean,
  integerIn,
  readKeyList,
  readLevel,
  readPath,
  readText,
  sizeIn,
} from './option-readers';

/** Every option of `OrchestratorEventsModuleOptions` but `env` (where the variables are read). */
export type OptionKey = Exclude<keyof OrchestratorEventsModuleOptions, 'env'>;

/** One option: its environment variable, its default and how a given value is read. */
export interface OptionRow<T> {
  /** The environment variable, or `null` for an option set in code only. */
  readonly env: string | null;
  /**
   * The default (`undefined`: none, the option stays unset), or a function of the options read
   * before it in the table (the log file is named after `orchId`).
   */
  readonly fallback: T | undefined | ((earlier: Readonly<Record<string, unknown>>) => T);
  /** Reads a given value: an option of any type, or the variable's text. */
  readonly read: (value: unknown) => Read<T>;
  /** How a bad value appears in the error message, for secrets; default as given. */
  readonly shown?: (value: unknown) => unknown;
}

/** Field names redacted unless `redactKeys` / `ORCH_REDACT_KEYS` says otherwise. */
export const DEFAULT_REDACT_KEYS: readonly string[] = [
  'password',
  'passwd',
  'secret',
  'token',
  'access_token',
  'refresh_token',
  'api_key',
  'apikey',
  'authorization',
  'cookie',
  'set-cookie',
];

const KIB = 1024;
const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

/**
 * The core options' one table: each option's variable, default and rule, in the order they are
 * read. Environment reading (`optionsFromEnv`), validation (`resolveOptions`), the resolved type
 * and the docs check (options-docs.spec.ts) are driven from it; the `satisfies` makes a row
 * missing for an option of the interface (or one for no option) a compile error, and each rule's
 * value one the option itself accepts. Adding an option: its field in the interface, its row here.
 */
export const CORE_OPTIONS = {
  orchId: {
    env: 'ORCH_ID',
    fallback: 'o-glm',
    read: (v: unknown) =>
      readText(
        v,
        /^[A-Za-z0-9._-]{1,64}$/,
        'expected 1-64 characters of [A-Za-z0-9._-] (it names the log file, so no path separators)',
      ),
  },
  logFile: {
    env: 'ORCH_LOG_FILE',
    fallback: (earlier: Readonly<Record<string, unknown>>) =>
      path.resolve(`.devlogs/orch-${String(earlier['orchId'] ?? 'o-glm')}.log`),
    read: readPath,
  },
  level: { env: 'LOG_LEVEL', fallback: 'INFO', read: readLevel },
  appLogFile: { env: 'LOG_FILE', fallback: undefined, read: readPath },
  maxSize: {
    env: 'ORCH_LOG_MAX_SIZE',
    fallback: 10 * MIB,
    read: sizeIn(KIB, 1024 * GIB, '1k to 1024g', '64k, 10m'),
  },
  maxFiles: { env: 'ORCH_LOG_MAX_FILES', fallback: 5, read: integerIn(0, 1000) },
  maxPendingBytes: {
    env: 'ORCH_LOG_MAX_PENDING',
    fallback: 64 * MIB,
    read: sizeIn(64 * KIB, 1024 * GIB, '64k to 1024g', '64m'),
  },
  shutdownRetryMs: { env: 'ORCH_SHUTDOWN_RETRY_MS', fallback: 10000, read: integerIn(0, 600_000) },
  maxLineBytes: { env: null, fallback: 65536, read: integerIn(KIB, 64 * MIB) },
  replayBufferSize: { env: 'ORCH_REPLAY_BUFFER', fallback: 1000, read: integerIn(0, 10_000_000) },
  sseHeartbeatMs: {
    env: 'ORCH_SSE_HEARTBEAT_MS',
    fallback: 15000,
    read: integerIn(100, 3_600_000),
  },
  sseMaxBacklog: { env: 'ORCH_SSE_MAX_BACKLOG', fallback: 10000, read: integerIn(1, 10_000_000) },
  sseMaxBacklogBytes: {
    env: 'ORCH_SSE_MAX_BACKLOG_BYTES',
    fallback: 8 * MIB,
    read: sizeIn(16 * KIB, GIB, '16k to 1g', '8m'),
  },
  token: {
    env: 'ORCH_EVENTS_TOKEN',
    fallback: undefined,
    read: (v: unknown) =>
      readText(
        v,
        /^[\x21-\x7e]{16,512}$/,
        'expected 16-512 printable ASCII characters without spaces',
      ),
    shown: () => '<hidden>',
  },
  redactKeys: { env: 'ORCH_REDACT_KEYS', fallback: DEFAULT_REDACT_KEYS, read: readKeyList },
  sseMaxClients: { env: 'ORCH_SSE_MAX_CLIENTS', fallback: 10000, read: integerIn(1, 10_000_000) },
  sseMaxClientsPerIp: {
    env: 'ORCH_SSE_MAX_CLIENTS_PER_IP',
    fallback: 100,
    read: integerIn(1, 10_000_000),
  },
  sseFastPath: { env: 'ORCH_SSE_FAST_PATH', fallback: false, read: readBoolean },
} as const satisfies {
  readonly [K in OptionKey]: OptionRow<NonNullable<OrchestratorEventsModuleOptions[K]>>;
};

type Table = typeof CORE_OPTIONS;

/** What a row resolves to: its reader's value, else its default (`undefined` when it has none). */
type RowValue<R> =
  | (R extends { read: (value: unknown) => Read<infer T> } ? T : never)
  | (R extends { fallback: infer F } ? (F extends (...args: never[]) => infer D ? D : F) : never);

/** The options that have an environment variable. */
export type EnvOptionKey = {
  [K in OptionKey]: Table[K]['env'] extends string ? K : never;
}[OptionKey];

/**
 * The core options after defaults and validation, mapped over the interface's keys: every one is
 * set (or explicitly `undefined` where it has no default), sizes and counts given as text are
 * numbers, flags booleans, lists arrays, the level a level; `sources` says which setting gave each.
 */
export type ResolvedCoreOptions = { readonly [K in OptionKey]: RowValue<Table[K]> } & {
  /**
   * The setting that gave each option its value: its environment variable (also when its default
   * was used), or `option <name>`. Errors found after validation (a log directory that cannot be
   * created) name the setting with it.
   */
  readonly sources: Readonly<Record<OptionKey, string>>;
};
