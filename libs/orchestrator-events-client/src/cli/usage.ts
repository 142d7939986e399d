/** `orch-events --help`. */
export const USAGE = `Usage: orch-events <command> [options]

Follow and query the events of an orchestrator-events server, or pretty-print its log file.

Commands:
  tail     follow live events (reconnects and resumes by itself), or a log file with --file
  query    print past events, oldest first, paging as needed
  runs     print runs as records (status, duration, steps, failure), newest first

Filters (both commands):
  --task-id ID          only this task
  --run-id ID           only this run
  --event a,b           only these event names (repeatable)
  --level LEVEL         minimum level: DEBUG, INFO, WARNING (WARN), ERROR
  --q WORDS             every word in the message or an extra field's text (any case)
  --extra KEY=VALUE     an extra field equals VALUE (repeatable, at most 5)

Server (both commands):
  --url URL             the app, default $ORCH_EVENTS_URL or http://127.0.0.1:3000
  --token TOKEN         bearer token, default $ORCH_EVENTS_TOKEN (sent in the Authorization header)

tail:
  --last-event-id ID    start after this event id (replays what came after it)
  -f, --file PATH       read a local log file instead (no server), e.g. .devlogs/orch-o-glm.log
  -F, --follow          with --file: keep reading as it grows, across rotations

query:
  --since ISO           from this time (inclusive), with its offset: 2026-11-24T10:00:00Z
  --until ISO           up to this time (exclusive); a date alone is that day's start in UTC
  -n, --limit N         only the newest N matches (default: every match)

runs (with --url, --token, --json, --color):
  --task-id ID          only this task's runs
  --status STATUS       running, success or failed
  --since ISO           started at or after this time
  --until ISO           started before this time
  --before RUN_ID       runs that started before this run (the next page)
  -n, --limit N         the newest N runs (default 100)

Output:
  --json                one JSON event per line (NDJSON), for jq
  --color               colours even when not a terminal (NO_COLOR=1 turns them off)
  -h, --help            this help
  -V, --version         the version of @orchestrator/events-client

Exit status: 0 done or stopped with Ctrl-C, 1 error (unreachable, 401, bad filter), 2 bad usage.

Examples:
  npx orch-events tail --task-id task-123
  npx orch-events tail --level warning --json | jq .event
  npx orch-events query --run-id run-456 --since 2026-11-24T10:00:00Z
  npx orch-events tail --file .devlogs/orch-o-glm.log --follow
  npx orch-events query --q "quota exceeded" --extra region=eu-west-1
  npx orch-events runs --task-id nightly-etl --status failed --since 2026-11-17T00:00:00Z
`;
