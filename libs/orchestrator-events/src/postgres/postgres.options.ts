import { OrchestratorEventsConfigError } from '../lib/orchestrator-events.errors';
import { POSTGRES_MESSAGES as M } from './postgres.messages';

/**
 * Options of `OrchestratorEventsPostgresModule.forRoot()`: the PostgreSQL history store. Each
 * option left out is read from the environment where it has a variable, else its default.
 */
export interface OrchestratorEventsPostgresOptions {
  /**
   * The database: `postgres://user[:password]@host:5432/db` (any libpq-style URL node-postgres
   * takes). Required; default `ORCH_HISTORY_URL`. The password is never logged nor shown.
   */
  url?: string;
  /**
   * How long events are kept: whole hours or days, `36h`, `30d`. Whole days (partitions) are
   * dropped once all their events are older: an event is kept at least this long and at most one
   * day more. Default `ORCH_HISTORY_RETENTION`, else `30d`.
   */
  retention?: string;
  /** The schema that holds the tables (created if missing). Default `orchestrator_events`. */
  schema?: string;
  /** Most lines per ingest batch (one COPY, one transaction). Default 5000. */
  batchSize?: number;
  /**
   * How often the files are read for new lines when the last read found none, in ms: the backup of
   * the directory watch, which reads as soon as the writer wrote. Default 200.
   */
  ingestIntervalMs?: number;
  /** How often partitions past the retention are dropped, in ms. Default 3600000 (one hour). */
  retentionIntervalMs?: number;
  /** Longest wait between two attempts while the database does not answer, in ms. Default 5000. */
  maxRetryDelayMs?: number;
  /** Connections in the pool (ingest, retention and queries share it). Default 4. */
  poolSize?: number;
  /** Where `url` and `retention` are read from when not given. Default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** The options with defaults applied and checked. */
export interface ResolvedPostgresOptions {
  url: string;
  /** `url` without its password: what logs, health and errors show. */
  displayUrl: string;
  retentionMs: number;
  retention: string;
  schema: string;
  batchSize: number;
  ingestIntervalMs: number;
  retentionIntervalMs: number;
  maxRetryDelayMs: number;
  poolSize: number;
}

const HOUR = 3_600_000;

/** `url` with its password replaced by nothing, or `postgres://(unparsable url)`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparsable url)';
  }
}

/** `36h` / `30d` in ms, or undefined. */
export function parseRetention(text: string): number | undefined {
  const match = /^\s*(\d{1,5})\s*([hd])\s*$/i.exec(text);
  if (!match) return undefined;
  const n = Number(match[1]);
  const ms = n * (match[2].toLowerCase() === 'd' ? 24 * HOUR : HOUR);
  return n >= 1 && ms <= 3650 * 24 * HOUR ? ms : undefined;
}

/**
 * Defaults and validation; every bad value at once in one `OrchestratorEventsConfigError`, each
 * naming the variable (or option), the value and what is allowed.
 */
export function resolvePostgresOptions(
  options: OrchestratorEventsPostgresOptions,
): ResolvedPostgresOptions {
  const env = options.env ?? process.env;
  const problems: string[] = [];
  const bad = (setting: string, value: unknown, allowed: string) =>
    problems.push(new OrchestratorEventsConfigError(setting, value, allowed).message);

  const urlSetting = options.url === undefined ? 'ORCH_HISTORY_URL' : 'postgres option url';
  const url = options.url ?? env['ORCH_HISTORY_URL'];
  let displayUrl = '';
  if (url === undefined || url === '') {
    bad(urlSetting, url ?? '', M.urlRequired());
  } else {
    displayUrl = redactUrl(url);
    let ok = false;
    try {
      ok = ['postgres:', 'postgresql:'].includes(new URL(url).protocol);
    } catch {
      ok = false;
    }
    if (!ok) bad(urlSetting, displayUrl, M.badUrl());
  }

  const retentionSetting =
    options.retention === undefined ? 'ORCH_HISTORY_RETENTION' : 'postgres option retention';
  const retentionText = options.retention ?? env['ORCH_HISTORY_RETENTION'] ?? '30d';
  const retentionMs = typeof retentionText === 'string' ? parseRetention(retentionText) : undefined;
  if (retentionMs === undefined) bad(retentionSetting, retentionText, M.badRetention());

  const schema = options.schema ?? 'orchestrator_events';
  if (typeof schema !== 'string' || !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    bad('postgres option schema', schema, M.badSchema());
  }

  const integer = (
    name: keyof OrchestratorEventsPostgresOptions,
    fallback: number,
    min: number,
    max: number,
  ) => {
    const value = options[name] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      bad(`postgres option ${name}`, value, M.badInteger(min, max));
      return fallback;
    }
    return value;
  };
  const resolved: ResolvedPostgresOptions = {
    url: url ?? '',
    displayUrl,
    retentionMs: retentionMs ?? 0,
    retention: String(retentionText),
    schema,
    batchSize: integer('batchSize', 5000, 1, 100_000),
    ingestIntervalMs: integer('ingestIntervalMs', 200, 1, 3_600_000),
    retentionIntervalMs: integer('retentionIntervalMs', HOUR, 1000, 7 * 24 * HOUR),
    maxRetryDelayMs: integer('maxRetryDelayMs', 5000, 10, 600_000),
    poolSize: integer('poolSize', 4, 1, 100),
  };
  if (problems.length > 0) throw new OrchestratorEventsConfigError(problems);
  return resolved;
}
