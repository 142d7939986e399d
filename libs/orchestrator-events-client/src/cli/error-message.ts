import {
  OrchestratorEventsBadRequestError,
  OrchestratorEventsHttpError,
  OrchestratorEventsNetworkError,
  OrchestratorEventsUnauthorizedError,
} from '../lib/errors';
import { UsageError } from './cli-args';

/** One line for stderr, saying what went wrong and what to do, without a stack trace. */
export function errorMessage(error: unknown, url?: string): string {
  if (error instanceof UsageError) return `${error.message} (see orch-events --help)`;
  if (error instanceof OrchestratorEventsNetworkError) {
    const cause = error.message.replace(/^cannot reach \S+: /, '');
    return `cannot reach the server at ${url ?? error.url} (${cause}); is it running? (--url)`;
  }
  if (error instanceof OrchestratorEventsUnauthorizedError) {
    return `401 Unauthorized: ${error.messages.join('; ')}; give the token with --token or ORCH_EVENTS_TOKEN`;
  }
  if (error instanceof OrchestratorEventsBadRequestError) {
    return `bad filter (400): ${error.messages.join('; ')}`;
  }
  if (error instanceof OrchestratorEventsHttpError) {
    return `the server answered ${error.status}: ${error.messages.join('; ')}`;
  }
  // Duck-typed: fs errors may come from another realm (a test VM), where instanceof fails.
  const { code, path, message } = (error ?? {}) as Partial<NodeJS.ErrnoException>;
  if (code === 'ENOENT' && path) return `no such file: ${path}`;
  if (code === 'EACCES' && path) return `permission denied: ${path}`;
  return typeof message === 'string' ? message : String(error);
}
