import {
  BadRequestException,
  CanActivate,
  Controller,
  Get,
  Headers,
  HttpException,
  HttpStatus,
  Query,
  Req,
  Res,
  Type,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from './openapi.decorators';
import { IncomingMessage, ServerResponse } from 'node:http';
import { EVENT_ID_PATTERN, EventFilter } from '@orchestrator/events-contract';
import { EventLogger } from '../event-logger.service';
import { EventsPageSchema } from './event.schema';
import { EventsAccessGuard } from './events-access.guard';
import { EventsFilterDto, EventsQueryDto, EventsStreamQueryDto } from './events-query.dto';
import { SseHub } from './sse-hub.service';
import { StrictQueryPipe } from './strict-query.pipe';

const strictQuery = new StrictQueryPipe();

function filterOf(query: EventsFilterDto): EventFilter {
  return { task_id: query.task_id, run_id: query.run_id, event: query.event, level: query.level };
}

/** Seconds a refused stream client is told to wait. */
const RETRY_AFTER_S = 5;

/**
 * The controller at `path` (under the app's global prefix): a class per path, as Nest routes by
 * class. `guards` run after the token check, on both endpoints.
 */
export function createEventsController(
  path: string,
  guards: (Type<CanActivate> | CanActivate)[] = [],
): Type<unknown> {
  @ApiTags('orchestrator events')
  @ApiBearerAuth()
  @ApiUnauthorizedResponse({ description: 'ORCH_EVENTS_TOKEN is set and the request lacks it' })
  @UseGuards(EventsAccessGuard, ...guards)
  @Controller(path)
  class EventsController {
    constructor(
      private readonly events: EventLogger,
      private readonly hub: SseHub,
    ) {}

    @Get()
    @ApiOperation({
      summary: 'Past events from the log files',
      description:
        'Without `after`: the newest `limit` matches; with `after`: the oldest `limit` matches after that id. Both in chronological order.',
    })
    @ApiOkResponse({ type: EventsPageSchema })
    @ApiBadRequestResponse({ description: 'A parameter is unknown, malformed or out of range' })
    async list(@Query(strictQuery) query: EventsQueryDto): Promise<EventsPageSchema> {
      if (query.after !== undefined && query.before !== undefined) {
        throw new BadRequestException(['after and before cannot be combined: give one cursor']);
      }
      const page = await this.events.query({
        ...filterOf(query),
        since: query.since,
        until: query.until,
        after: query.after,
        before: query.before,
        limit: query.limit,
      });
      return { events: page.events as EventsPageSchema['events'], has_more: page.has_more };
    }

    @Get('stream')
    @ApiOperation({
      summary: 'Live events over Server-Sent Events, resumable with Last-Event-ID',
      description:
        'Frames: `id: <event_id>` + `data: <event JSON>` per event; `event: heartbeat` periodically; `event: reset` with `{"oldest_event_id"}` when the resume id is older than anything kept.',
    })
    @ApiProduces('text/event-stream')
    @ApiHeader({
      name: 'Last-Event-ID',
      required: false,
      description: 'resume after this event_id',
    })
    @ApiOkResponse({ description: 'An endless text/event-stream' })
    @ApiBadRequestResponse({ description: 'A parameter or Last-Event-ID is malformed' })
    @ApiTooManyRequestsResponse({ description: 'Too many open streams, in all or from this IP' })
    async stream(
      @Query(strictQuery) query: EventsStreamQueryDto,
      @Headers('last-event-id') lastEventIdHeader: string | undefined,
      @Req() req: IncomingMessage & { ip?: string },
      @Res() res: ServerResponse,
    ): Promise<void> {
      if (lastEventIdHeader !== undefined && !EVENT_ID_PATTERN.test(lastEventIdHeader)) {
        throw new BadRequestException(['Last-Event-ID must be an event_id']);
      }
      // Express's req.ip honours its 'trust proxy' setting; the socket address is the fallback.
      const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
      const refusal = this.hub.refusal(ip);
      if (refusal !== undefined) {
        res.setHeader('Retry-After', String(RETRY_AFTER_S));
        throw new HttpException(
          {
            statusCode: HttpStatus.TOO_MANY_REQUESTS,
            message: [refusal],
            error: 'Too Many Requests',
          },
          HttpStatus.TOO_MANY_REQUESTS,
        );
      }
      await this.hub.open(res, filterOf(query), lastEventIdHeader ?? query.last_event_id, ip);
    }
  }
  return EventsController;
}
