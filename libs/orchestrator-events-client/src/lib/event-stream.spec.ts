import { isReplay } from './event-stream';
import {
  isRetryable,
  OrchestratorEventsBadRequestError,
  OrchestratorEventsHttpError,
  OrchestratorEventsNetworkError,
  OrchestratorEventsUnauthorizedError,
} from './errors';

describe('isReplay', () => {
  const id = (ms: number, seq: number, orch = 'o-glm') =>
    `${String(ms).padStart(13, '0')}-${String(seq).padStart(6, '0')}-${orch}`;

  it('drops ids at or below the last one of the same orchestrator', () => {
    expect(isReplay(id(5, 1), undefined)).toBe(false);
    expect(isReplay(id(5, 1), id(5, 1))).toBe(true);
    expect(isReplay(id(5, 0), id(5, 1))).toBe(true);
    expect(isReplay(id(5, 2), id(5, 1))).toBe(false);
    expect(isReplay(id(6, 0), id(5, 999))).toBe(false);
  });

  it('never drops events of another orchestrator (not comparable)', () => {
    expect(isReplay(id(1, 0, 'a'), id(9, 0, 'b'))).toBe(false);
  });
});

describe('isRetryable', () => {
  it('retries network errors, 429 and 5xx, never other 4xx', () => {
    const http = (status: number) => new OrchestratorEventsHttpError(status, ['x'], 'u');
    expect(isRetryable(new OrchestratorEventsNetworkError('u', new Error('x')))).toBe(true);
    expect(isRetryable(http(429))).toBe(true);
    expect(isRetryable(http(502))).toBe(true);
    expect(isRetryable(new OrchestratorEventsBadRequestError(400, ['x'], 'u'))).toBe(false);
    expect(isRetryable(new OrchestratorEventsUnauthorizedError(401, ['x'], 'u'))).toBe(false);
    expect(isRetryable(http(404))).toBe(false);
    expect(isRetryable(new Error('bug'))).toBe(false);
  });

  it('names the error class and keeps the server messages', () => {
    const error = new OrchestratorEventsBadRequestError(400, ['task_id must be…', 'b'], 'u');
    expect(error).toBeInstanceOf(OrchestratorEventsHttpError);
    expect(error.name).toBe('OrchestratorEventsBadRequestError');
    expect(error.message).toBe('HTTP 400: task_id must be…; b');
  });
});
