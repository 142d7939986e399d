import { OrchestratorEventsConfigError } from '../lib/shared/orchestrator-events.errors';
import { MESSAGES } from '../lib/shared/orchestrator-events.messages';
import { integerIn, Read, readText } from '../lib/options/option-readers';
import { REDIS_MESSAGES as M } from './redis.messages';

/**
 * Options of `OrchestratorEventsRedisModule.forRoot()`: the Redis Stream bus shared by every
 * instance. Each option left out is read from its environment variable, else its default.
 */
export interface OrchestratorEventsRedisOptions {
  /**
   * The Redis server: `redis://[user:password@]host[:port][/db]` or `rediss://...`. Required;
   * default `REDIS_URL`. The password is never logged nor shown.
   */
  url?: string;
  /** The Redis Stream key shared by the instances. Default `ORCH_REDIS_STREAM`, else `orch:events`. */
  stream?: string;
  /**
   * The stream is trimmed to about this many entries (`XADD MAXLEN ~`), 100 or more. Default
   * `ORCH_REDIS_STREAM_MAXLEN`, else 100000.
   */
  maxLen?: number | string;
  /**
   * Events buffered for the stream while Redis is down; beyond it the oldest are dropped from the
   * stream (never from the file). Default `ORCH_REDIS_BUFFER`, else 100000.
   */
  buffer?: number | string;
  /** Where the variables are read from when an option is not given. Default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** The options with defaults applied and checked. */
export interface ResolvedRedisOptions {
  url: string;
  stream: string;
  maxLen: number;
  buffer: number;
}

type Key = keyof ResolvedRedisOptions;

/** A URL ioredis can connect to: `redis:` or `rediss:` with a host. */
function readRedisUrl(value: unknown): Read<string> {
  const text = String(value).trim();
  try {
    const url = new URL(text);
    if ((url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '') {
      return { ok: true, value: text };
    }
  } catch {
    // not a URL: the problem below
  }
  return { ok: false, allowed: M.badUrl() };
}

/** Each option's reader and default (`undefined`: required). */
const RULES: {
  [K in Key]: {
    fallback?: ResolvedRedisOptions[K];
    read: (v: unknown) => Read<ResolvedRedisOptions[K]>;
  };
} = {
  url: { read: readRedisUrl },
  stream: {
    fallback: 'orch:events',
    read: (v) => readText(v, /^[\x21-\x7e]{1,256}$/, M.badStream()),
  },
  maxLen: { fallback: 100000, read: integerIn(100, 1_000_000_000) },
  buffer: { fallback: 100000, read: integerIn(0, 100_000_000) },
};

/** Each option's variable and its value there (an empty variable counts as unset). */
function fromEnv(
  env: Record<string, string | undefined>,
): Record<Key, [string, string | undefined]> {
  return {
    url: ['REDIS_URL', env['REDIS_URL'] || undefined],
    stream: ['ORCH_REDIS_STREAM', env['ORCH_REDIS_STREAM'] || undefined],
    maxLen: ['ORCH_REDIS_STREAM_MAXLEN', env['ORCH_REDIS_STREAM_MAXLEN'] || undefined],
    buffer: ['ORCH_REDIS_BUFFER', env['ORCH_REDIS_BUFFER'] || undefined],
  };
}

/** A Redis URL as an error message may show it: the password replaced by `***`. */
function shownUrl(value: unknown): string {
  return String(value)
    .trim()
    .replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
}

/**
 * Defaults and validation: options over the environment over the defaults. Every bad value at
 * once in one `OrchestratorEventsConfigError`, each naming the variable (or `redis option <name>`),
 * the value and what is allowed.
 */
export function resolveRedisOptions(
  options: OrchestratorEventsRedisOptions = {},
): ResolvedRedisOptions {
  const env = fromEnv(options.env ?? process.env);
  const problems: string[] = [];
  const resolved: Partial<Record<Key, unknown>> = {};
  for (const key of Object.keys(RULES) as Key[]) {
    const [variable, envValue] = env[key];
    const given = options[key] !== undefined;
    const setting = given ? `redis option ${key}` : variable;
    const value = given ? options[key] : envValue;
    const rule: { fallback?: unknown; read: (v: unknown) => Read<unknown> } = RULES[key];
    if (value === undefined) {
      // Only the url has no default.
      if (rule.fallback === undefined) problems.push(problem(setting, '', M.urlRequired()));
      resolved[key] = rule.fallback;
      continue;
    }
    const read = rule.read(value);
    const shown = key === 'url' ? shownUrl(value) : value;
    if (read.ok) resolved[key] = read.value;
    else problems.push(problem(setting, shown, read.allowed));
  }
  if (problems.length > 0) throw new OrchestratorEventsConfigError(problems);
  return resolved as ResolvedRedisOptions;
}

const problem = MESSAGES.invalidSetting;
