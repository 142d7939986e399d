import type { ResolvedCoreOptions } from './core-options.table';

/**
 * Options of `OrchestratorEventsModule.forRoot()`: the one place each setting is documented. Each
 * defaults from the environment variable named in its doc (`optionsFromEnv` maps them), then from
 * the default named there; an option given here wins over the environment. Each option has one
 * row in `CORE_OPTIONS` (options/core-options.table.ts: variable, default, rule); a test checks
 * the rows and docs/configuration.md against these docs.
 */
export interface OrchestratorEventsModuleOptions {
  /** Orchestrator id, `[A-Za-z0-9._-]{1,64}`. Env `ORCH_ID`, default `o-glm`. */
  orchId?: string;
  /** The current event log file; its directory is created when the module starts. Env `ORCH_LOG_FILE`, default `.devlogs/orch-{ORCH_ID}.log`. */
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
  /**
   * At shutdown, while events still cannot be written (disk full, directory gone), writing is
   * retried for up to this many ms (0-600000) before the module lets the process exit. What is
   * still unwritten then is lost: one line on stderr says how many and to which file, and the exit
   * code becomes 1. Env `ORCH_SHUTDOWN_RETRY_MS`, default 10000 (under Kubernetes' 30 s grace period).
   */
  shutdownRetryMs?: number | string;
  /** Longest line written, in bytes (1024-64m); longer events have their largest values cut and carry `"_truncated": true`. No env, default 65536. */
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
   * (comma-separated), default `DEFAULT_REDACT_KEYS`: password, passwd, secret, token,
   * access_token, refresh_token, api_key, apikey, authorization, cookie, set-cookie. An empty list
   * (the option `[]`) turns redaction off.
   */
  redactKeys?: readonly string[] | string;
  /** Open SSE streams at most, beyond them 429. Env `ORCH_SSE_MAX_CLIENTS`, default 10000. */
  sseMaxClients?: number | string;
  /** Open SSE streams per client IP at most, beyond them 429. Env `ORCH_SSE_MAX_CLIENTS_PER_IP`, default 100. */
  sseMaxClientsPerIp?: number | string;
  /**
   * Serve valid stream requests (`GET <prefix>/<path>/stream`) straight from the HTTP server,
   * ahead of Express (or Fastify) and Nest's request pipeline, which cost more per connection than the stream
   * itself and stay in memory as long as it is open (figures in the README). The token check, the
   * stream limits and the query rules still apply, and whatever the fast path does not accept (a
   * bad parameter, a missing token, a refused stream) goes the normal way and gets the normal
   * answer. It skips, for the streams it serves, Express middleware (CORS, helmet, compression),
   * Fastify hooks and global interceptors; it stays off when the module has `guards`, the app has
   * global guards, Express's `trust proxy` (Fastify's `trustProxy`) is set, or the global prefix has
   * exclusions. Env `ORCH_SSE_FAST_PATH`
   * (`true`/`false`), default false.
   */
  sseFastPath?: boolean | string;
  /** Where the environment defaults are read from (through `optionsFromEnv`). Default `process.env`. */
  env?: Record<string, string | undefined>;
}

/**
 * Options after defaults and validation: what every other part of the library reads. Derived
 * from the interface through the options' table (`CORE_OPTIONS`), never written by hand.
 */
export type ResolvedOrchestratorEventsOptions = ResolvedCoreOptions;

export { DEFAULT_REDACT_KEYS } from './core-options.table';
export { OrchestratorEventsConfigError } from '../shared/orchestrator-events.errors';
export { optionsFromEnv } from './options-from-env';
export { parseSize } from './option-readers';
export { resolveOptions } from './resolve-options';
