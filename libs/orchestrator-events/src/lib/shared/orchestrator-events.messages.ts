import {
  MAX_EVENT_ID_MS,
  QUERY_LIMIT_RULE,
  QUERY_TIME_RULE,
  MAX_EXTRAS_KEY_LENGTH,
  MAX_EXTRAS_VALUE_LENGTH,
  MAX_SEARCH_LENGTH,
  MAX_SEARCH_WORDS,
} from '@orchestrator/events-contract';

/** The rule of a task or run id in a query, as the 400s and the OpenAPI docs word it. */
export const ID_RULE = '1-128 characters of [A-Za-z0-9._:-]';

/**
 * Every message the library puts in an exception, in one place (as @nestjs/terminus keeps its
 * `messages.constant.ts`): the words users see are reviewed together and stay consistent.
 */
export const MESSAGES = {
  invalidSetting: (setting: string, value: unknown, allowed: string) =>
    `Invalid ${setting}=${JSON.stringify(value)}: ${allowed}`,
  invalidSettings: (problems: readonly string[]) =>
    `${problems.length} invalid settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
  appLogIsEventLog: () => 'must differ from the event log file: one file, one writer',
  unknownOption: (known: readonly string[]) =>
    'not an option of OrchestratorEventsModule (Redis, PostgreSQL, tracing, the dashboard and the ' +
    `other integrations are modules of their own); its options are ${known.join(', ')}`,
  logDirectoryUnusable: (dir: string, code: string) =>
    `its directory ${dir} cannot be created or written (${code})`,
  logPathIsDirectory: () => 'expected a file path, found a directory',
  logFileLocked: (file: string, holderPid: number | undefined) => {
    const who =
      holderPid === process.pid
        ? 'this process already writes it'
        : `another process (pid ${holderPid ?? 'unknown'}) holds it`;
    return (
      `Event log ${file} (ORCH_LOG_FILE) is in use: ${who}. One file takes one writer: give each ` +
      `process its own ORCH_LOG_FILE, or stop the other one.`
    );
  },
  eventsLost: (lost: number, file: string, reason: string, retryMs: number | undefined) =>
    `orchestrator-events: ${lost} events were lost: they could not be written to ${file} ` +
    `(${reason})` +
    (retryMs === undefined
      ? ''
      : `, retried for ${retryMs} ms at shutdown (ORCH_SHUTDOWN_RETRY_MS)`),
  missingPeer: (packageName: string, feature: string) =>
    `${feature} needs the optional package "${packageName}", which is not installed: ` +
    `run \`npm install ${packageName}\` in your app.`,
  eventIdsExhausted: () =>
    `no event id left: ids cannot pass ${new Date(MAX_EVENT_ID_MS).toISOString()}, and the ` +
    'clock is (or was, when the newest id on disk was made) that far ahead',
  tooManyStreams: (max: number) => `too many open streams (at most ${max}): retry later`,
  tooManyStreamsFromIp: (max: number) =>
    `too many open streams from this address (at most ${max}): retry later`,
  cursorsCombined: () => 'after and before cannot be combined: give one cursor',
  badLastEventIdHeader: () => 'Last-Event-ID must be an event_id',
  queryParamRepeated: (name: string, count: number) =>
    `${name} is given ${count === 2 ? 'twice' : `${count} times`}: give it once`,
  queryTime: (name: string) => `${name} must be ${QUERY_TIME_RULE}`,
  queryLimit: () => `limit must be ${QUERY_LIMIT_RULE}`,
  queryTooLong: (maxBytes: number) => `query string must be at most ${maxBytes} bytes`,
  badSearch: () => `q must be 1-${MAX_SEARCH_LENGTH} characters with 1-${MAX_SEARCH_WORDS} words`,
  badExtrasKey: (param: string) =>
    `${param}: the key must be 1-${MAX_EXTRAS_KEY_LENGTH} characters without control ` +
    'characters, and not a core field (timestamp, level, logger, event, event_id, orch_id)',
  badExtrasValue: (param: string) =>
    `${param} must be at most ${MAX_EXTRAS_VALUE_LENGTH} characters`,
  tooManyExtras: (max: number) => `at most ${max} extras.<key> parameters`,
  unknownRunCursor: (runId: string) =>
    `before must be the run_id of a run still held: ${JSON.stringify(runId)} is not (rotated away?)`,
  unknownParam: (name: string) => `property ${name} should not exist`,
  badAccessToken: () => 'access_token must be a token',
  badEntityId: (name: string) => `${name} must be ${ID_RULE}`,
  badEventNames: () =>
    'event must be a comma-separated list of names of 1-128 characters of [A-Za-z0-9_.:-]',
  badLevel: () => 'level must be one of DEBUG, INFO, WARNING, ERROR',
  badEventId: (name: string) => `${name} must be an event_id`,
  badRunsId: (name: string) => `${name} must be ${ID_RULE}, given once`,
  badRunStatus: (statuses: readonly string[]) => `status must be one of ${statuses.join(', ')}`,
  badBucket: (max: number) => `bucket must be an integer number of seconds from 1 to ${max}`,
  noHistorySource: () => 'no history source can answer: the files source is missing',
  tokenRequired: () =>
    'a valid token is required: Authorization: Bearer <token>, or access_token=<token>',
} as const;
