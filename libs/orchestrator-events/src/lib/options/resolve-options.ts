import { MESSAGES } from '../shared/orchestrator-events.messages';
import type {
  OrchestratorEventsModuleOptions,
  ResolvedOrchestratorEventsOptions,
} from './orchestrator-events.options';
import { CORE_OPTIONS, OptionKey, OptionRow } from './core-options.table';
import { OptionProblems } from './option-problems';
import { optionsFromEnv } from './options-from-env';

/**
 * Merges options over the environment (`optionsFromEnv(options.env ?? process.env)`) over the
 * defaults, row by row of `CORE_OPTIONS`, and validates the result. Reports every bad value at
 * once, in one `OrchestratorEventsConfigError`; has no side effects (the log directory is created
 * when the module starts, by the file lock, which opens the file first).
 */
export function resolveOptions(
  options: OrchestratorEventsModuleOptions = {},
): ResolvedOrchestratorEventsOptions {
  const fromEnv: Partial<Record<OptionKey, string>> = optionsFromEnv(options.env ?? process.env);
  const values: Record<string, unknown> = {};
  const sources = {} as Record<OptionKey, string>;
  const problems = new OptionProblems();
  for (const key of Object.keys(CORE_OPTIONS) as OptionKey[]) {
    const row: OptionRow<unknown> = CORE_OPTIONS[key];
    const given = options[key] !== undefined;
    sources[key] = given || row.env === null ? `option ${key}` : row.env;
    const value = given ? options[key] : fromEnv[key];
    if (value === undefined) {
      values[key] = typeof row.fallback === 'function' ? row.fallback(values) : row.fallback;
      continue;
    }
    const read = row.read(value);
    if (read.ok) values[key] = read.value;
    else problems.add(sources[key], row.shown?.(value) ?? value, read.allowed);
  }
  // A misspelt or moved option (`redisUrl` is the Redis module's `url`) is an error, not ignored.
  // Its value is not shown: it may be a URL with a password.
  const known = [...Object.keys(CORE_OPTIONS), 'env'];
  for (const key of Object.keys(options)) {
    if (!known.includes(key))
      problems.add(`option ${key}`, '<hidden>', MESSAGES.unknownOption(known));
  }
  if (values['appLogFile'] !== undefined && values['appLogFile'] === values['logFile']) {
    problems.add(sources.appLogFile, values['appLogFile'], MESSAGES.appLogIsEventLog());
  }
  problems.throwIfAny();
  return { ...values, sources } as unknown as ResolvedOrchestratorEventsOptions;
}
