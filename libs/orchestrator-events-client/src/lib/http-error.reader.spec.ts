import {
  OrchestratorEventsBadRequestError,
  OrchestratorEventsHttpError,
  OrchestratorEventsUnauthorizedError,
} from './errors';
import { readHttpError } from './http-error.reader';

const response = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(body, { status, statusText: 'Status Text', headers });

describe('readHttpError', () => {
  it("keeps Nest's message list of a 400", async () => {
    const body = {
      statusCode: 400,
      message: ['property tsk_id should not exist'],
      error: 'Bad Request',
    };
    const error = await readHttpError(response(400, JSON.stringify(body)), 'http://h/x?tsk_id=1');
    expect(error).toBeInstanceOf(OrchestratorEventsBadRequestError);
    expect(error.status).toBe(400);
    expect(error.messages).toEqual(['property tsk_id should not exist']);
    expect(error.url).toBe('http://h/x?tsk_id=1');
  });

  it('reads a single message string (401) and a Retry-After header', async () => {
    const error = await readHttpError(
      response(401, '{"statusCode":401,"message":"Unauthorized"}', { 'Retry-After': '2' }),
      'u',
    );
    expect(error).toBeInstanceOf(OrchestratorEventsUnauthorizedError);
    expect(error.messages).toEqual(['Unauthorized']);
    expect(error.retryAfterMs).toBe(2000);
  });

  it('falls back to the status text for a body that is not JSON', async () => {
    const error = await readHttpError(response(502, '<html>bad gateway</html>'), 'u');
    expect(error.constructor).toBe(OrchestratorEventsHttpError);
    expect(error.messages).toEqual(['Status Text']);
  });
});
