import type { OrchestratorEventsModuleOptions } from './orchestrator-events.options';

/** Options read from the environment, as text: validation turns them into values. */
export type EnvOptions = {
  -readonly [K in keyof typeof ENV_VARIABLES]?: string;
};

/**
 * The environment variable of each option: the documented ones (the seed's `ORCH_ID`,
 * `ORCH_LOG_FILE`, `LOG_LEVEL`, `LOG_FILE`, and ours). Options without a variable
 * (`maxLineBytes`) are set in code only.
 */
export const ENV_VARIABLES = {
  orchId: 'ORCH_ID',
  logFile: 'ORCH_LOG_FILE',
  level: 'LOG_LEVEL',
  appLogFile: 'LOG_FILE',
  maxSize: 'ORCH_LOG_MAX_SIZE',
  maxFiles: 'ORCH_LOG_MAX_FILES',
  maxPendingBytes: 'ORCH_LOG_MAX_PENDING',
  shutdownRetryMs: 'ORCH_SHUTDOWN_RETRY_MS',
  replayBufferSize: 'ORCH_REPLAY_BUFFER',
  sseHeartbeatMs: 'ORCH_SSE_HEARTBEAT_MS',
  sseMaxBacklog: 'ORCH_SSE_MAX_BACKLOG',
  sseMaxBacklogBytes: 'ORCH_SSE_MAX_BACKLOG_BYTES',
  token: 'ORCH_EVENTS_TOKEN',
  redactKeys: 'ORCH_REDACT_KEYS',
  sseMaxClients: 'ORCH_SSE_MAX_CLIENTS',
  sseMaxClientsPerIp: 'ORCH_SSE_MAX_CLIENTS_PER_IP',
  sseFastPath: 'ORCH_SSE_FAST_PATH',
} as const satisfies Partial<Record<keyof OrchestratorEventsModuleOptions, string>>;

/**
 * Maps the documented environment variables onto options (as text; an empty variable counts as
 * unset). `forRoot()` uses it for every option not given in code; call it yourself to start from
 * the environment and change a few: `forRoot({ ...optionsFromEnv(process.env), maxFiles: 10 })`.
 * Reads only `env`; validates nothing (the module does, at startup, reporting every bad value).
 */
export function optionsFromEnv(env: Record<string, string | undefined> = process.env): EnvOptions {
  const options: EnvOptions = {};
  for (const [option, variable] of Object.entries(ENV_VARIABLES)) {
    const value = env[variable];
    if (value !== undefined && value !== '') options[option as keyof EnvOptions] = value;
  }
  return options;
}
