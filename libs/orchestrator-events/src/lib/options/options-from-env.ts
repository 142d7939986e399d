import { CORE_OPTIONS, EnvOptionKey, OptionKey } from './core-options.table';

/** Options read from the environment, as text: validation turns them into values. */
export type EnvOptions = { -readonly [K in EnvOptionKey]?: string };

/**
 * The environment variable of each option that has one (the seed's `ORCH_ID`, `ORCH_LOG_FILE`,
 * `LOG_LEVEL`, `LOG_FILE`, and ours), from `CORE_OPTIONS`. Options without a variable
 * (`maxLineBytes`) are set in code only.
 */
export const ENV_VARIABLES = Object.fromEntries(
  (Object.keys(CORE_OPTIONS) as OptionKey[]).flatMap((key) => {
    const variable = CORE_OPTIONS[key].env;
    return variable === null ? [] : [[key, variable]];
  }),
) as { readonly [K in EnvOptionKey]: string };

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
    if (value !== undefined && value !== '') options[option as EnvOptionKey] = value;
  }
  return options;
}
