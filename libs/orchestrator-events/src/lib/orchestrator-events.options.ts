import * as fs from 'node:fs';
import * as path from 'node:path';
import { EventLevel, parseLevel } from '@orchestrator/events-contract';

/**
 * Options of `OrchestratorEventsModule.forRoot()`. Each one defaults from the environment variable
 * named in its doc, then from the built-in default; an option given here wins over the environment.
 */
export interface OrchestratorEventsModuleOptions {
  /** Orchestrator id, `[A-Za-z0-9._-]{1,64}`. Env `ORCH_ID`, default `o-glm`. */
  orchId?: string;
  /** The current event log file; its directory is created. Env `ORCH_LOG_FILE`, default `.devlogs/orch-{orchId}.log`. */
  logFile?: string;
  /** Minimum level written to the file and the bus. Env `LOG_LEVEL`, default `INFO`. */
  level?: string;
  /** Optional general application log (Nest's own logs as JSON lines). Env `LOG_FILE`, default unset. */
  appLogFile?: string;
  /** Rotate before the current file would pass this size: bytes, or a number with `k`/`m`/`g`. Env `ORCH_LOG_MAX_SIZE`, default `10m`. */
  maxSize?: number | string;
  /** Rotated backups kept besides the current file (0-1000). Env `ORCH_LOG_MAX_FILES`, default `5`. */
  maxFiles?: number | string;
  /**
   * While the log file cannot be written (disk full, directory gone), events wait in memory up to
   * this size; later ones are dropped, counted in `stats().dropped`, and reported by one
   * `events_dropped` ERROR event once writing works again. Bytes, or a number with `k`/`m`/`g`.
   * Env `ORCH_LOG_MAX_PENDING`, default `64m`.
   */
  maxPendingBytes?: number | string;
  /** Longest line written, in bytes; longer events have their largest values cut and carry `"_truncated": true`. Default 65536. */
  maxLineBytes?: number;
  /**
   * Recent events kept in memory for stream resumption; older resume points are read from the
   * files. Env `ORCH_REPLAY_BUFFER`, default 1000 (larger rings keep events alive long enough to
   * make garbage collection the main cost of logging: 10000 halved throughput in the benchmark).
   */
  replayBufferSize?: number | string;
  /** Heartbeat interval of SSE streams, in ms (100-3600000). Env `ORCH_SSE_HEARTBEAT_MS`, default 15000. */
  sseHeartbeatMs?: number | string;
  /**
   * Live events held for a stream while it catches up from the files after a resume; beyond, it is
   * disconnected (it resumes again from its last id). Env `ORCH_SSE_MAX_BACKLOG`, default 10000.
   */
  sseMaxBacklog?: number | string;
  /**
   * Bytes waiting for a stream client that reads slower than events come (held for it plus its
   * socket buffer); past this, it is disconnected once and resumes with Last-Event-ID, losing
   * nothing. A client under it is never cut, however slow. Bytes, or a number with `k`/`m`/`g`.
   * Env `ORCH_SSE_MAX_BACKLOG_BYTES`, default `8m`.
   */
  sseMaxBacklogBytes?: number | string;
  /**
   * Token both endpoints require, as `Authorization: Bearer <token>` or the `access_token` query
   * parameter (for browser EventSource). Env `ORCH_EVENTS_TOKEN`, default unset (no token check).
   */
  token?: string;
  /**
   * Field names written as `"[REDACTED]"`, at any depth, case-insensitive. Env `ORCH_REDACT_KEYS`
   * (comma-separated), default: password, passwd, secret, token, access_token, refresh_token,
   * api_key, apikey, authorization, cookie, set-cookie. An empty list turns redaction off.
   */
  redactKeys?: readonly string[] | string;
  /** Open SSE streams at most, beyond them 429. Env `ORCH_SSE_MAX_CLIENTS`, default 10000. */
  sseMaxClients?: number | string;
  /** Open SSE streams per client IP at most, beyond them 429. Env `ORCH_SSE_MAX_CLIENTS_PER_IP`, default 100. */
  sseMaxClientsPerIp?: number | string;
  /**
   * Serve valid stream requests (`GET <prefix>/<path>/stream`) straight from the HTTP server,
   * ahead of Express and Nest's request pipeline, which cost more per connection than the stream
   * itself and stay in memory as long as it is open (figures in the README). The token check, the
   * stream limits and the query rules still apply, and whatever the fast path does not accept (a
   * bad parameter, a missing token, a refused stream) goes the normal way and gets the normal
   * answer. It skips, for the streams it serves, Express middleware (CORS, helmet, compression) and
   * global interceptors; it stays off when the module has `guards`, the app has global guards,
   * Express's `trust proxy` is set, or the global prefix has exclusions. Env `ORCH_SSE_FAST_PATH`
   * (`true`/`false`), default false.
   */
  sseFastPath?: boolean | string;
  /**
   * Redis for scale-out: when set, the event bus is a Redis Stream shared by every instance
   * (`redis://[user:password@]host:port[/db]` or `rediss://`). Env `REDIS_URL`, default unset
   * (the in-process bus).
   */
  redisUrl?: string;
  /** The Redis Stream key. Env `ORCH_REDIS_STREAM`, default `orch:events`. */
  redisStream?: string;
  /** The stream is trimmed to about this many entries (`XADD MAXLEN ~`). Env `ORCH_REDIS_STREAM_MAXLEN`, default 100000. */
  redisStreamMaxLen?: number | string;
  /** Events buffered for the stream while Redis is down; beyond it the oldest are dropped from the stream (never from the file). Env `ORCH_REDIS_BUFFER`, default 100000. */
  redisBuffer?: number | string;
  /** Where defaults are read from. Default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** Options after defaults and validation: what every other part of the library reads. */
export interface ResolvedOrchestratorEventsOptions {
  orchId: string;
  logFile: string;
  level: EventLevel;
  appLogFile: string | undefined;
  maxSize: number;
  maxFiles: number;
  maxPendingBytes: number;
  maxLineBytes: number;
  replayBufferSize: number;
  sseHeartbeatMs: number;
  sseMaxBacklog: number;
  sseMaxBacklogBytes: number;
  redisUrl: string | undefined;
  redisStream: string;
  redisStreamMaxLen: number;
  redisBuffer: number;
  token: string | undefined;
  redactKeys: readonly string[];
  sseMaxClients: number;
  sseMaxClientsPerIp: number;
  sseFastPath: boolean;
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

/** A bad setting: the message names the setting, the value and what is allowed. */
export class OrchestratorEventsConfigError extends Error {
  constructor(setting: string, value: unknown, allowed: string) {
    super(`Invalid ${setting}=${JSON.stringify(value)}: ${allowed}`);
    this.name = 'OrchestratorEventsConfigError';
  }
}

const ORCH_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const SIZE_PATTERN = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i;
const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Picks the option, else the environment variable, and remembers which one it was for error messages. */
function pick<T>(
  option: T | undefined,
  optionName: string,
  env: Record<string, string | undefined>,
  envName: string,
): { value: T | string | undefined; setting: string } {
  if (option !== undefined) return { value: option, setting: `option ${optionName}` };
  const fromEnv = env[envName];
  return { value: fromEnv === '' ? undefined : fromEnv, setting: envName };
}

/** A URL ioredis can connect to: `redis:` or `rediss:` with a host. */
function isRedisUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Parses `10m`, `64k`, `1048576`... into bytes. */
export function parseSize(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.floor(value) : undefined;
  const match = SIZE_PATTERN.exec(value.trim());
  if (!match) return undefined;
  return Math.floor(Number(match[1]) * SIZE_UNITS[match[2].toLowerCase()]);
}

function parseInteger(
  picked: { value: unknown; setting: string },
  fallback: number,
  min: number,
  max: number,
): number {
  if (picked.value === undefined) return fallback;
  const n = typeof picked.value === 'number' ? picked.value : Number(String(picked.value).trim());
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new OrchestratorEventsConfigError(
      picked.setting,
      picked.value,
      `expected an integer from ${min} to ${max}`,
    );
  }
  return n;
}

/** Creates the log directory and checks that it can be written, so a bad path fails at startup, not at the first event. */
function ensureWritableDir(file: string, setting: string): void {
  const dir = path.dirname(file);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    throw new OrchestratorEventsConfigError(
      setting,
      file,
      `its directory ${dir} cannot be created or written (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) {
    throw new OrchestratorEventsConfigError(
      setting,
      file,
      'expected a file path, found a directory',
    );
  }
}

/**
 * Merges options over the environment over the defaults and validates the result: the one place
 * configuration is read. Throws `OrchestratorEventsConfigError` on the first bad value.
 */
export function resolveOptions(
  options: OrchestratorEventsModuleOptions = {},
): ResolvedOrchestratorEventsOptions {
  const env = options.env ?? process.env;
  /** An integer setting: the option, else the variable, else the default; within [min, max]. */
  const integerSetting = (
    key: keyof OrchestratorEventsModuleOptions,
    envName: string,
    fallback: number,
    min: number,
    max: number,
  ): number => parseInteger(pick(options[key], key, env, envName), fallback, min, max);

  const orchIdPick = pick(options.orchId, 'orchId', env, 'ORCH_ID');
  const orchId = orchIdPick.value === undefined ? 'o-glm' : String(orchIdPick.value);
  if (!ORCH_ID_PATTERN.test(orchId)) {
    throw new OrchestratorEventsConfigError(
      orchIdPick.setting,
      orchId,
      'expected 1-64 characters of [A-Za-z0-9._-] (it names the log file, so no path separators)',
    );
  }

  const filePick = pick(options.logFile, 'logFile', env, 'ORCH_LOG_FILE');
  const logFile = path.resolve(
    filePick.value === undefined ? `.devlogs/orch-${orchId}.log` : String(filePick.value),
  );
  ensureWritableDir(logFile, filePick.setting);

  const levelPick = pick(options.level, 'level', env, 'LOG_LEVEL');
  const level = levelPick.value === undefined ? 'INFO' : parseLevel(String(levelPick.value));
  if (!level) {
    throw new OrchestratorEventsConfigError(
      levelPick.setting,
      levelPick.value,
      'expected DEBUG, INFO, WARNING (or WARN) or ERROR, in any case',
    );
  }

  const appPick = pick(options.appLogFile, 'appLogFile', env, 'LOG_FILE');
  const appLogFile = appPick.value === undefined ? undefined : path.resolve(String(appPick.value));
  if (appLogFile !== undefined) {
    if (appLogFile === logFile) {
      throw new OrchestratorEventsConfigError(
        appPick.setting,
        appLogFile,
        'must differ from the event log file: one file, one writer',
      );
    }
    ensureWritableDir(appLogFile, appPick.setting);
  }

  const sizePick = pick(options.maxSize, 'maxSize', env, 'ORCH_LOG_MAX_SIZE');
  const maxSize = sizePick.value === undefined ? 10 * 1024 ** 2 : parseSize(sizePick.value);
  if (maxSize === undefined || maxSize < 1024 || maxSize > 1024 ** 4) {
    throw new OrchestratorEventsConfigError(
      sizePick.setting,
      sizePick.value,
      'expected a size from 1k to 1024g: bytes, or a number with k, m or g (64k, 10m)',
    );
  }

  const maxFiles = integerSetting('maxFiles', 'ORCH_LOG_MAX_FILES', 5, 0, 1000);
  const pendingPick = pick(options.maxPendingBytes, 'maxPendingBytes', env, 'ORCH_LOG_MAX_PENDING');
  const maxPendingBytes =
    pendingPick.value === undefined ? 64 * 1024 ** 2 : parseSize(pendingPick.value);
  if (maxPendingBytes === undefined || maxPendingBytes < 64 * 1024 || maxPendingBytes > 1024 ** 4) {
    throw new OrchestratorEventsConfigError(
      pendingPick.setting,
      pendingPick.value,
      'expected a size from 64k to 1024g: bytes, or a number with k, m or g (64m)',
    );
  }
  const maxLineBytes = parseInteger(
    { value: options.maxLineBytes, setting: 'option maxLineBytes' },
    65536,
    1024,
    64 * 1024 ** 2,
  );
  const replayBufferSize = integerSetting(
    'replayBufferSize',
    'ORCH_REPLAY_BUFFER',
    1000,
    0,
    10_000_000,
  );

  const sseHeartbeatMs = integerSetting(
    'sseHeartbeatMs',
    'ORCH_SSE_HEARTBEAT_MS',
    15000,
    100,
    3_600_000,
  );
  const sseMaxBacklog = integerSetting(
    'sseMaxBacklog',
    'ORCH_SSE_MAX_BACKLOG',
    10000,
    1,
    10_000_000,
  );
  const backlogPick = pick(
    options.sseMaxBacklogBytes,
    'sseMaxBacklogBytes',
    env,
    'ORCH_SSE_MAX_BACKLOG_BYTES',
  );
  const sseMaxBacklogBytes =
    backlogPick.value === undefined ? 8 * 1024 ** 2 : parseSize(backlogPick.value);
  if (
    sseMaxBacklogBytes === undefined ||
    sseMaxBacklogBytes < 16 * 1024 ||
    sseMaxBacklogBytes > 1024 ** 3
  ) {
    throw new OrchestratorEventsConfigError(
      backlogPick.setting,
      backlogPick.value,
      'expected a size from 16k to 1g: bytes, or a number with k, m or g (8m)',
    );
  }

  const tokenPick = pick(options.token, 'token', env, 'ORCH_EVENTS_TOKEN');
  const token = tokenPick.value === undefined ? undefined : String(tokenPick.value);
  if (token !== undefined && !/^[\x21-\x7e]{16,512}$/.test(token)) {
    // The value itself stays out of the message: it is a secret.
    throw new OrchestratorEventsConfigError(
      tokenPick.setting,
      '<hidden>',
      'expected 16-512 printable ASCII characters without spaces',
    );
  }
  const redactPick = pick(options.redactKeys, 'redactKeys', env, 'ORCH_REDACT_KEYS');
  const redactKeys =
    redactPick.value === undefined
      ? DEFAULT_REDACT_KEYS
      : (typeof redactPick.value === 'string' ? redactPick.value.split(',') : [...redactPick.value])
          .map((key) => key.trim().toLowerCase())
          .filter((key) => key.length > 0);
  const sseMaxClients = integerSetting(
    'sseMaxClients',
    'ORCH_SSE_MAX_CLIENTS',
    10000,
    1,
    10_000_000,
  );
  const sseMaxClientsPerIp = integerSetting(
    'sseMaxClientsPerIp',
    'ORCH_SSE_MAX_CLIENTS_PER_IP',
    100,
    1,
    10_000_000,
  );

  const fastPathPick = pick(options.sseFastPath, 'sseFastPath', env, 'ORCH_SSE_FAST_PATH');
  const sseFastPath = parseBoolean(fastPathPick.value, fastPathPick.setting, false);

  const redisUrlPick = pick(options.redisUrl, 'redisUrl', env, 'REDIS_URL');
  const redisUrl = redisUrlPick.value === undefined ? undefined : String(redisUrlPick.value).trim();
  if (redisUrl !== undefined && !isRedisUrl(redisUrl)) {
    throw new OrchestratorEventsConfigError(
      redisUrlPick.setting,
      // A password in the URL stays out of the message.
      redisUrl.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@'),
      'expected redis://[user:password@]host[:port][/db] or rediss://...',
    );
  }
  const streamPick = pick(options.redisStream, 'redisStream', env, 'ORCH_REDIS_STREAM');
  const redisStream = streamPick.value === undefined ? 'orch:events' : String(streamPick.value);
  if (!/^[\x21-\x7e]{1,256}$/.test(redisStream)) {
    throw new OrchestratorEventsConfigError(
      streamPick.setting,
      redisStream,
      'expected a Redis key of 1-256 printable ASCII characters without spaces',
    );
  }
  const redisStreamMaxLen = integerSetting(
    'redisStreamMaxLen',
    'ORCH_REDIS_STREAM_MAXLEN',
    100000,
    100,
    1_000_000_000,
  );
  const redisBuffer = integerSetting('redisBuffer', 'ORCH_REDIS_BUFFER', 100000, 0, 100_000_000);

  return {
    orchId,
    logFile,
    level,
    appLogFile,
    maxSize,
    maxFiles,
    maxPendingBytes,
    maxLineBytes,
    replayBufferSize,
    sseHeartbeatMs,
    sseMaxBacklog,
    sseMaxBacklogBytes,
    redisUrl,
    redisStream,
    redisStreamMaxLen,
    redisBuffer,
    token,
    redactKeys,
    sseMaxClients,
    sseMaxClientsPerIp,
    sseFastPath,
  };
}

/** `true`/`false` (any case, also `1`/`0`, `yes`/`no`, `on`/`off`) or a boolean. */
function parseBoolean(value: unknown, setting: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(text)) return true;
  if (['false', '0', 'no', 'off'].includes(text)) return false;
  throw new OrchestratorEventsConfigError(setting, value, 'expected true or false');
}
