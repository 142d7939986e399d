import type { OrchestratorEvent } from './event';

/**
 * The one reader of an event line (a line of the log file, the `data:` of an SSE frame, a Redis
 * Stream entry): the server, the CLI and the client all decode through it, so they agree on what
 * counts as an event. A line is an event when it is a JSON object with a string `event_id` and a
 * string `event`; anything else (a torn line after a crash, another program's output, a corrupt
 * entry) is `undefined`, never an exception.
 */
export function parseEventLine(line: string): OrchestratorEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  return isEventRecord(value) ? value : undefined;
}

/** The shape check of `parseEventLine`, for values already parsed. */
export function isEventRecord(value: unknown): value is OrchestratorEvent {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as OrchestratorEvent).event_id === 'string' &&
    typeof (value as OrchestratorEvent).event === 'string'
  );
}

/** The line of an event: its JSON text, as the logger writes it and SSE sends it. */
export function formatEventLine(event: OrchestratorEvent): string {
  return JSON.stringify(event);
}
