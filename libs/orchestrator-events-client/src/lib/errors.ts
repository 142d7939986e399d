/** Base class of every error the client throws, so callers can catch them all with one `instanceof`. */
export class OrchestratorEventsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The server answered with an error status. `messages` holds the server's own words (Nest's
 * `message`, a string or a list of strings), so a bad filter can be shown exactly as the server named it.
 */
export class OrchestratorEventsHttpError extends OrchestratorEventsError {
  constructor(
    /** HTTP status, e.g. 400, 401, 503. */
    readonly status: number,
    /** The server's messages; the status text when the body had none. */
    readonly messages: readonly string[],
    /** The URL that failed (never carries the token: it travels in a header). */
    readonly url: string,
    /** Milliseconds the server asked to wait (`Retry-After`), when it said so. */
    readonly retryAfterMs?: number,
  ) {
    super(`HTTP ${status}: ${messages.join('; ')}`);
  }
}

/** 400: a parameter is unknown, malformed or out of range. Not retried. */
export class OrchestratorEventsBadRequestError extends OrchestratorEventsHttpError {}

/** 401: the token is missing or wrong. Not retried. */
export class OrchestratorEventsUnauthorizedError extends OrchestratorEventsHttpError {}

/**
 * A query the client refused before sending it: the same rule the server applies (from the
 * contract), with the same words, so a bad `limit` or `since` fails alike with or without a server.
 */
export class OrchestratorEventsQueryError extends OrchestratorEventsError {
  constructor(
    /** The query parameter at fault: `limit`, `since` or `until`. */
    readonly parameter: string,
    /** What it must be. */
    rule: string,
  ) {
    super(`${parameter} must be ${rule}`);
  }
}

/** The server could not be reached, or the connection broke before a response. */
export class OrchestratorEventsNetworkError extends OrchestratorEventsError {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`cannot reach ${url}: ${describeCause(cause)}`, { cause });
  }
}

/** The server answered something that is not the documented API (wrong content type, bad JSON). */
export class OrchestratorEventsProtocolError extends OrchestratorEventsError {}

/** True for errors worth retrying: network failures, 429 and 5xx. Other 4xx will not heal by waiting. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof OrchestratorEventsNetworkError) return true;
  if (error instanceof OrchestratorEventsHttpError) {
    return error.status === 429 || error.status >= 500;
  }
  return false;
}

/**
 * Node's fetch hides the useful part ("ECONNREFUSED") in `cause`; browsers give only a message.
 * Duck-typed: errors from another realm (Node's fetch seen from a test VM) fail `instanceof Error`.
 */
function describeCause(cause: unknown): string {
  if (typeof cause !== 'object' || cause === null) return String(cause);
  const { message, cause: inner } = cause as { message?: unknown; cause?: unknown };
  const { code, message: innerMessage } = (inner ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') return code;
  if (typeof innerMessage === 'string' && innerMessage) return innerMessage;
  return typeof message === 'string' ? message : String(cause);
}
