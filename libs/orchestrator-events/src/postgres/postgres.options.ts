import { OptionProblems } from '../lib/options/option-problems';
import { bad, integerIn, ok, Read, readText } from '../lib/options/option-readers';
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

function readUrl(value: unknown): Read<string> {
  try {
    if (['postgres:', 'postgresql:'].includes(new URL(String(value)).protocol)) {
      return ok(String(value));
    }
  } catch {
    // not a URL: the problem below
  }
  return bad(M.badUrl());
}

function readRetention(value: unknown): Read<{ text: string; ms: number }> {
  const ms = typeof value === 'string' ? parseRetention(value) : undefined;
  return ms === undefined ? bad(M.badRetention()) : ok({ text: value as string, ms });
}

/**
 * Defaults and validation; every bad value at once in one `OrchestratorEventsConfigError`, each
 * naming the variable (or option), the value and what is allowed.
 */
export function resolvePostgresOptions(
  options: OrchestratorEventsPostgresOptions,
): ResolvedPostgresOptions {
  const env = options.env ?? process.env;
  const problems = new OptionProblems();
  const at = (name: string) => `postgres option ${name}`;
  const url = options.url ?? (env['ORCH_HISTORY_URL'] || undefined);
  const urlSetting = options.url === undefined ? 'ORCH_HISTORY_URL' : at('url');
  if (url === undefined || url === '') problems.add(urlSetting, '', M.urlRequired());
  const retention = problems.read(
    options.retention === undefined ? 'ORCH_HISTORY_RETENTION' : at('retention'),
    options.retention ?? env['ORCH_HISTORY_RETENTION'] ?? '30d',
    { text: '30d', ms: 0 },
    readRetention,
  );
  const resolved: ResolvedPostgresOptions = {
    url: problems.read(urlSetting, url || undefined, '', readUrl, redactUrl(String(url))),
    displayUrl: url ? redactUrl(url) : '',
    retentionMs: retention.ms,
    retention: retention.text,
    schema: problems.read(at('schema'), options.schema, 'orchestrator_events', (v) =>
      readText(v, /^[a-z_][a-z0-9_]{0,62}$/, M.badSchema()),
    ),
    batchSize: problems.read(at('batchSize'), options.batchSize, 5000, integerIn(1, 100_000)),
    ingestIntervalMs: problems.read(
      at('ingestIntervalMs'),
      options.ingestIntervalMs,
      200,
      integerIn(1, 3_600_000),
    ),
    retentionIntervalMs: problems.read(
      at('retentionIntervalMs'),
      options.retentionIntervalMs,
      HOUR,
      integerIn(1000, 7 * 24 * HOUR),
    ),
    maxRetryDelayMs: problems.read(
      at('maxRetryDelayMs'),
      options.maxRetryDelayMs,
      5000,
      integerIn(10, 600_000),
    ),
    poolSize: problems.read(at('poolSize'), options.poolSize, 4, integerIn(1, 100)),
  };
  problems.throwIfAny();
  return resolved;
}
