export {
  OrchestratorEventsClient,
  DEFAULT_EVENTS_PATH,
  OLDEST_CURSOR,
} from './lib/orchestrator-events.client';
export type { QueryAllFilter } from './lib/orchestrator-events.client';
export type {
  OrchestratorEventsClientOptions,
  StreamOptions,
  StreamReset,
  StreamRetry,
  StreamOpen,
  RequestOptions,
  QueryAllOptions,
} from './lib/client.options';
export {
  OrchestratorEventsError,
  OrchestratorEventsHttpError,
  OrchestratorEventsBadRequestError,
  OrchestratorEventsUnauthorizedError,
  OrchestratorEventsNetworkError,
  OrchestratorEventsProtocolError,
  OrchestratorEventsQueryError,
  isRetryable,
} from './lib/errors';
export type { BackoffOptions } from './lib/backoff';
export { DEFAULT_BACKOFF, backoffDelay } from './lib/backoff';
// The shared types, so a client user needs one import; defined once in the contract library.
export type {
  OrchestratorEvent,
  EventFilter,
  EventLevel,
  EventQuery,
  EventsPage,
  RunRecord,
  RunStatus,
  RunsQuery,
  RunsPage,
  CountsQuery,
  CountsBucket,
  CountsPage,
} from '@orchestrator/events-contract';
