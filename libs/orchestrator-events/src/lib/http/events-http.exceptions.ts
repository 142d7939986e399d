import { HttpException, HttpStatus, UnauthorizedException } from '@nestjs/common';
import { MESSAGES } from '../shared/orchestrator-events.messages';

/**
 * The endpoints' refusals as named exceptions (as @nestjs/throttler has `ThrottlerException`), each
 * with the body shape of Nest's own: `{ statusCode, message: string[], error }`.
 */

/** 429: the stream caps (`ORCH_SSE_MAX_CLIENTS`, `ORCH_SSE_MAX_CLIENTS_PER_IP`) are reached. */
export class TooManyStreamsException extends HttpException {
  constructor(messages: string[]) {
    super(
      { statusCode: HttpStatus.TOO_MANY_REQUESTS, message: messages, error: 'Too Many Requests' },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/** 414: a query string longer than the endpoints read. */
export class QueryTooLongException extends HttpException {
  constructor(maxBytes: number) {
    super(
      {
        statusCode: HttpStatus.URI_TOO_LONG,
        message: [MESSAGES.queryTooLong(maxBytes)],
        error: 'URI Too Long',
      },
      HttpStatus.URI_TOO_LONG,
    );
  }
}

/** 401: `ORCH_EVENTS_TOKEN` is set and the request does not carry it. */
export class EventsTokenRequiredException extends UnauthorizedException {
  constructor() {
    super([MESSAGES.tokenRequired()]);
  }
}
