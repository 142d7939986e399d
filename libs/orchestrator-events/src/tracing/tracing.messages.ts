/** Every message of the tracing module's option checks, in one place. */
export const TRACING_MESSAGES = {
  boolean: () => 'expected true or false',
  logs: () => 'expected true, false or an object of log-record options',
  integer: (min: number, max: number) => `expected an integer from ${min} to ${max}`,
  text: () => 'expected a string',
  loggerName: () => 'expected a non-empty string',
} as const;
