import {
  OrchestratorEventsBadRequestError,
  OrchestratorEventsHttpError,
  OrchestratorEventsUnauthorizedError,
} from './errors';
import { retryAfterMs } from './backoff';

/**
 * Builds the typed error for a non-2xx response from Nest's error body
 * `{ statusCode, message: string | string[], error }`; any other body falls back to the status text.
 */
export async function readHttpError(
  response: Response,
  url: string,
): Promise<OrchestratorEventsHttpError> {
  let messages: string[] = [];
  try {
    const body = (await response.json()) as { message?: unknown; error?: unknown };
    if (Array.isArray(body.message)) messages = body.message.map(String);
    else if (typeof body.message === 'string') messages = [body.message];
    else if (typeof body.error === 'string') messages = [body.error];
  } catch {
    // not JSON (a proxy's HTML page, an empty body): the status text says enough
  }
  if (messages.length === 0) messages = [response.statusText || 'error'];
  const wait = retryAfterMs(response.headers.get('retry-after'));
  const ErrorClass =
    response.status === 400
      ? OrchestratorEventsBadRequestError
      : response.status === 401
        ? OrchestratorEventsUnauthorizedError
        : OrchestratorEventsHttpError;
  return new ErrorClass(response.status, messages, url, wait);
}
