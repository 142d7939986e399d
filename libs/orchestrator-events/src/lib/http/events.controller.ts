import { BadRequestException, CanActivate, Get, Req, Res, Type } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiTooManyRequestsResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQueries,
} from './openapi.decorators';
import { IncomingMessage, ServerResponse } from 'node:http';
import { EventHistory } from '../history/event-history.service';
import { MESSAGES } from '../shared/orchestrator-events.messages';
import { EventsPageSchema } from './event.schema';
import { EventsEndpoint } from './events-endpoint.decorator';
import { TooManyStreamsException } from './events-http.exceptions';
import { paramDocs, parseEventsQuery, searchOf } from './events-query.rules';
import { SseHub } from './sse-hub.service';
import { readStreamRequest } from './stream-request';

/** What the controller needs of a Fastify reply (`@nestjs/platform-fastify`), without importing it. */
interface FastifyReplyLike {
  raw: ServerResponse;
  hijack(): void;
}

/** The Node response under Express's (which is one) or Fastify's reply. */
function rawResponse(reply: ServerResponse | FastifyReplyLike): ServerResponse {
  return 'raw' in reply && reply.raw instanceof ServerResponse
    ? reply.raw
    : (reply as ServerResponse);
}

/** Seconds a refused stream client is told to wait. */
const RETRY_AFTER_S = 5;

/**
 * The controller at `path` (under the app's global prefix): a class per path, as Nest routes by
 * class. `guards` run after the token check, on both endpoints.
 */
// The controller class is declared inside: Nest routes by class, so each mount path needs a class
// of its own, and the function is as long as the class.
// eslint-disable-next-line max-lines-per-function -- see above
export function createEventsController(
  path: string,
  guards: (Type<CanActivate> | CanActivate)[] = [],
): Type<unknown> {
  @EventsEndpoint(path, guards)
  class EventsController {
    constructor(
      private readonly history: EventHistory,
      private readonly hub: SseHub,
    ) {}

    @Get()
    @ApiOperation({
      summary: 'Past events from the log files',
      description:
        'Without `after`: the newest `limit` matches; with `after`: the oldest `limit` matches after that id. Both in chronological order.',
    })
    @ApiQueries(paramDocs('list'))
    @ApiOkResponse({ type: EventsPageSchema })
    @ApiBadRequestResponse({ description: 'A parameter is unknown, malformed or out of range' })
    async list(@Req() req: IncomingMessage): Promise<EventsPageSchema> {
      const parsed = parseEventsQuery(searchOf(req.url), 'list');
      if (!parsed.ok) throw new BadRequestException(parsed.errors);
      const { filter, since, until, after, before, limit } = parsed.query;
      if (after !== undefined && before !== undefined) {
        throw new BadRequestException([MESSAGES.cursorsCombined()]);
      }
      const page = await this.history.query({ ...filter, since, until, after, before, limit });
      const events = page.events as EventsPageSchema['events'];
      // `partial` only when a store could not answer: the body is otherwise unchanged.
      return page.partial
        ? { events, has_more: page.has_more, partial: true }
        : { events, has_more: page.has_more };
    }

    @Get('stream')
    @ApiOperation({
      summary: 'Live events over Server-Sent Events, resumable with Last-Event-ID',
      description:
        'Frames: `id: <event_id>` + `data: <event JSON>` per event; `event: heartbeat` periodically; `event: reset` with `{"oldest_event_id"}` when the resume id is older than anything kept.',
    })
    @ApiProduces('text/event-stream')
    @ApiQueries(paramDocs('stream'))
    @ApiHeader({
      name: 'Last-Event-ID',
      required: false,
      description: 'resume after this event_id',
    })
    @ApiOkResponse({ description: 'An endless text/event-stream' })
    @ApiBadRequestResponse({ description: 'A parameter or Last-Event-ID is malformed' })
    @ApiTooManyRequestsResponse({ description: 'Too many open streams, in all or from this IP' })
    async stream(
      @Req() req: IncomingMessage & { ip?: string },
      @Res() reply: ServerResponse | FastifyReplyLike,
    ): Promise<void> {
      const res = rawResponse(reply);
      const request = readStreamRequest(req, this.hub);
      if (!request.ok && request.status === 400) throw new BadRequestException(request.messages);
      if (!request.ok) {
        res.setHeader('Retry-After', String(RETRY_AFTER_S));
        throw new TooManyStreamsException(request.messages);
      }
      // Fastify: the stream is written to the raw response, so Fastify must not answer it too.
      if ('hijack' in reply) reply.hijack();
      await this.hub.open(res, request.filter, request.lastEventId, request.ip);
    }
  }
  return EventsController;
}
