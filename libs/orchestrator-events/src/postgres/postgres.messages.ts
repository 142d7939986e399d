/**
 * Every message of the PostgreSQL history store, in one place. None of them ever holds the
 * database password: URLs are shown through `redactUrl()`.
 */
export const POSTGRES_MESSAGES = {
  urlRequired: () =>
    'required: a postgres:// URL (set ORCH_HISTORY_URL, or the url option of OrchestratorEventsPostgresModule.forRoot)',
  badUrl: () => 'expected a postgres:// or postgresql:// URL: postgres://user@host:5432/db',
  badRetention: () => 'expected a whole number of hours or days, from 1h to 3650d: `36h`, `30d`',
  badSchema: () =>
    'expected a PostgreSQL identifier: 1-63 of [a-z0-9_], starting with a letter or _',
  storeDown: (url: string, reason: string) =>
    `PostgreSQL history store ${url} unavailable (${reason}): events stay in the files and are ingested when it answers`,
  storeUp: (url: string) => `PostgreSQL history store ${url} answers: ingesting the backlog`,
  gapMessage: (count: number | undefined) =>
    count === undefined
      ? 'log lines were rotated away before the history store ingested them'
      : `${count} log lines were rotated away before the history store ingested them`,
  rewound: (orchId: string, from: string | undefined, to: string | undefined) =>
    `history store checkpoint of ${orchId} is ${to ?? 'none'}, not ${from ?? 'none'} as written last (the database lost commits or was restored): reading the files again from it`,
  retentionFailed: (reason: string) => `history store retention failed: ${reason}`,
} as const;
