import { parseArgs } from 'node:util';
import {
  EventFilter,
  parseDecimalInteger,
  parseLevel,
  parseQueryTime,
  QUERY_TIME_RULE,
  MAX_EXTRAS_FILTERS,
  RUN_STATUSES,
  RunStatus,
} from '@orchestrator/events-contract';

/** The demo app's default address. */
export const DEFAULT_URL = 'http://127.0.0.1:3000';

/** A bad command line: exit code 2 and a pointer to `--help`. */
export class UsageError extends Error {}

/** One parsed command line. */
export type CliCommand =
  | { command: 'help'; topic?: 'tail' | 'query' | 'runs' }
  | { command: 'version' }
  | ({ command: 'tail' } & ServerOptions & FileOptions & { lastEventId?: string })
  | ({ command: 'query' } & ServerOptions & QueryOptions)
  | ({ command: 'runs' } & ServerOptions & RunsOptions);

/** What every command shares. */
interface CommonOptions {
  filter: EventFilter;
  /** Raw NDJSON instead of readable lines. */
  json: boolean;
  /** `--color`: colours even when piped; an explicit flag overrides NO_COLOR, as that convention allows. */
  forceColor: boolean;
}

interface ServerOptions extends CommonOptions {
  /** Base URL of the app, `--url` > `ORCH_EVENTS_URL` > `http://127.0.0.1:3000`. */
  url: string;
  /** `--token` > `ORCH_EVENTS_TOKEN`. */
  token?: string;
}

interface FileOptions {
  /** `--file`: read this log file instead of the server. */
  file?: string;
  /** `--follow`: keep reading the file as it grows and across rotations. */
  follow: boolean;
}

interface QueryOptions {
  since?: string;
  until?: string;
  /** Newest N matches; without it, every match. */
  limit?: number;
}

interface RunsOptions {
  status?: RunStatus;
  since?: string;
  until?: string;
  /** A run_id: runs that started before it. */
  before?: string;
  /** Newest N runs; default 100. */
  limit?: number;
}

/** What every command that talks to a server takes. */
const SERVER = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  color: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const COMMON = {
  ...SERVER,
  'task-id': { type: 'string' },
  'run-id': { type: 'string' },
  event: { type: 'string', multiple: true },
  level: { type: 'string' },
  q: { type: 'string' },
  extra: { type: 'string', multiple: true },
} as const;

const RUNS = {
  ...SERVER,
  'task-id': { type: 'string' },
  status: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  before: { type: 'string' },
  limit: { type: 'string', short: 'n' },
} as const;

const TAIL = {
  ...COMMON,
  file: { type: 'string', short: 'f' },
  follow: { type: 'boolean', short: 'F' },
  'last-event-id': { type: 'string' },
} as const;

const QUERY = {
  ...COMMON,
  since: { type: 'string' },
  until: { type: 'string' },
  limit: { type: 'string', short: 'n' },
} as const;

/**
 * Parses `orch-events <command> [options]`. Pure: the environment comes in as an argument.
 * @throws UsageError for an unknown command or option, a missing value, a bad level or limit.
 */
export function parseCliArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): CliCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    return { command: 'help' };
  }
  if (command === '--version' || command === '-V' || command === 'version') {
    return { command: 'version' };
  }
  if (command !== 'tail' && command !== 'query' && command !== 'runs') {
    throw new UsageError(`unknown command "${command}": expected tail, query or runs`);
  }
  const values = parse(rest, command === 'tail' ? TAIL : command === 'query' ? QUERY : RUNS);
  if (values['help'] === true) return { command: 'help', topic: command };

  const common: ServerOptions = {
    filter: command === 'runs' ? {} : parseFilter(values),
    json: values['json'] === true,
    forceColor: values['color'] === true,
    url: str(values['url']) ?? nonEmpty(env['ORCH_EVENTS_URL']) ?? DEFAULT_URL,
    token: str(values['token']) ?? nonEmpty(env['ORCH_EVENTS_TOKEN']),
  };
  if (!/^https?:\/\//i.test(common.url)) {
    throw new UsageError(`invalid --url "${common.url}": expected http://host:port`);
  }

  if (command === 'runs') return { command, ...common, ...parseRuns(values) };
  if (command === 'tail') {
    const file = str(values['file']);
    const follow = values['follow'] === true;
    if (follow && file === undefined) {
      throw new UsageError('--follow applies to --file: the server stream is always followed');
    }
    return { command, ...common, file, follow, lastEventId: str(values['last-event-id']) };
  }
  return {
    command,
    ...common,
    since: parseTime('since', str(values['since'])),
    until: parseTime('until', str(values['until'])),
    limit: parseLimit(str(values['limit'])),
  };
}

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

function parse(args: string[], options: typeof TAIL | typeof QUERY | typeof RUNS): Values {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Values;
  } catch (error) {
    // parseArgs' messages are clear but long; keep the first sentence.
    throw new UsageError((error as Error).message.split('. ')[0]);
  }
}

function parseFilter(values: Values): EventFilter {
  const filter: EventFilter = {};
  const taskId = str(values['task-id']);
  const runId = str(values['run-id']);
  if (taskId !== undefined) filter.task_id = taskId;
  if (runId !== undefined) filter.run_id = runId;
  const events = ((values['event'] as string[] | undefined) ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (events.length > 0) filter.event = events;
  const q = str(values['q']);
  if (q !== undefined) filter.q = q;
  const extras = parseExtras((values['extra'] as string[] | undefined) ?? []);
  if (extras !== undefined) filter.extras = extras;
  const level = str(values['level']);
  if (level !== undefined) {
    const parsed = parseLevel(level);
    // Checked here too, not only by the server: --file mode has no server to ask.
    if (parsed === undefined) {
      throw new UsageError(
        `invalid --level "${level}": expected DEBUG, INFO, WARNING (WARN) or ERROR`,
      );
    }
    filter.level = parsed;
  }
  return filter;
}

/** `--limit`: the contract's decimal rule (no sign, exponent or leading zero), any size from 1. */
/**
 * `--extra key=value` (repeatable, at most 5): split at the first `=`, so a value may hold `=`.
 * Kept in an object without a prototype: `__proto__` is a key like any other.
 */
function parseExtras(given: string[]): Record<string, string> | undefined {
  if (given.length === 0) return undefined;
  if (given.length > MAX_EXTRAS_FILTERS) {
    throw new UsageError(`at most ${MAX_EXTRAS_FILTERS} --extra options`);
  }
  const extras = Object.create(null) as Record<string, string>;
  for (const pair of given) {
    const at = pair.indexOf('=');
    if (at < 1) throw new UsageError(`invalid --extra "${pair}": expected key=value`);
    extras[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return extras;
}

function parseRuns(values: Values): RunsOptions & { filter: EventFilter } {
  const status = str(values['status']);
  if (status !== undefined && !(RUN_STATUSES as readonly string[]).includes(status)) {
    throw new UsageError(`invalid --status "${status}": expected ${RUN_STATUSES.join(', ')}`);
  }
  const taskId = str(values['task-id']);
  return {
    filter: taskId === undefined ? {} : { task_id: taskId },
    status: status as RunStatus | undefined,
    since: parseTime('since', str(values['since'])),
    until: parseTime('until', str(values['until'])),
    before: str(values['before']),
    limit: parseLimit(str(values['limit'])),
  };
}

function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = parseDecimalInteger(value, 1);
  if (n === undefined) {
    throw new UsageError(
      `invalid --limit "${value}": expected a decimal integer of 1 or more, without sign or leading zero`,
    );
  }
  return n;
}

/** `--since` / `--until`: the server's rule, checked before any request (an offset is required). */
function parseTime(flag: 'since' | 'until', value: string | undefined): string | undefined {
  if (value !== undefined && parseQueryTime(value) === undefined) {
    throw new UsageError(`invalid --${flag} "${value}": expected ${QUERY_TIME_RULE}`);
  }
  return value;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
