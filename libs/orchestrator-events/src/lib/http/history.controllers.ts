import { BadRequestException, CanActivate, Get, Req, Type } from '@nestjs/common';
import { CountsPage, RunsPage } from '@orchestrator/events-contract';
import { IncomingMessage } from 'node:http';
import { EventHistory } from '../history/event-history.service';
import { EventsEndpoint } from './events-endpoint.decorator';
import { parseCountsQuery } from './counts-query.rules';
import { searchOf } from './events-query.rules';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation } from './openapi.decorators';
import { parseRunsQuery } from './runs-query.rules';

/**
 * The history endpoints beside the events endpoints: `GET <events path>/counts` and
 * `GET <parent of the events path>/runs` (`orchestrator/runs` by default). Each is a class of its
 * own (Nest routes by class), with the same guards as the events endpoints: the token check
 * (`EventsAccessGuard`), then the module's `guards`.
 */

/** Where the runs endpoint is for an events path: its sibling (`orchestrator/events` → `orchestrator/runs`). */
export function runsPathOf(eventsPath: string): string {
  const trimmed = eventsPath.replace(/^\/+|\/+$/g, '');
  const at = trimmed.lastIndexOf('/');
  return at < 0 ? 'runs' : `${trimmed.slice(0, at)}/runs`;
}

/** A `RangeError` from the history (a bound or cursor it cannot place) is the client's 400. */
async function orBadRequest<T>(answer: Promise<T>): Promise<T> {
  try {
    return await answer;
  } catch (err) {
    if (err instanceof RangeError) throw new BadRequestException([err.message]);
    throw err;
  }
}

/** The runs controller at `path`, guarded like the events controller. */
export function createRunsController(
  path: string,
  guards: (Type<CanActivate> | CanActivate)[] = [],
): Type<unknown> {
  @EventsEndpoint(path, guards)
  class RunsController {
    constructor(private readonly history: EventHistory) {}

    @Get()
    @ApiOperation({
      summary: 'Runs as records, newest first by started_at',
      description:
        'Parameters: task_id, status (running, success, failed), since/until (on started_at), limit (1-1000, default 100), before (a run_id: the page after it). From a history store when configured, else folded from the log files (bounded by what they hold). Body: `{ runs, has_more, partial? }`.',
    })
    @ApiOkResponse({ description: '{ "runs": [RunRecord...], "has_more": bool }' })
    @ApiBadRequestResponse({ description: 'A parameter is unknown, malformed or out of range' })
    runs(@Req() req: IncomingMessage): Promise<RunsPage> {
      const parsed = parseRunsQuery(searchOf(req.url));
      if (!parsed.ok) throw new BadRequestException(parsed.errors);
      return orBadRequest(this.history.runs(parsed.query));
    }
  }
  return RunsController;
}

/** The counts controller at `<events path>/counts`, guarded like the events controller. */
export function createCountsController(
  eventsPath: string,
  guards: (Type<CanActivate> | CanActivate)[] = [],
): Type<unknown> {
  @EventsEndpoint(`${eventsPath.replace(/\/+$/, '')}/counts`, guards)
  class CountsController {
    constructor(private readonly history: EventHistory) {}

    @Get()
    @ApiOperation({
      summary: 'Events per level per time bucket',
      description:
        'The filters and window of GET /events (task_id, run_id, event, level, q, extras.<key>, since, until) and bucket (seconds, 1-604800, default 60; widened so the answer holds at most 1440 buckets). Buckets start at multiples of the width since the epoch; empty ones are left out. Body: `{ bucket, buckets: [{ start, counts: { LEVEL: n } }], partial? }`.',
    })
    @ApiOkResponse({ description: '{ "bucket": 60, "buckets": [{ "start", "counts" }] }' })
    @ApiBadRequestResponse({ description: 'A parameter is unknown, malformed or out of range' })
    counts(@Req() req: IncomingMessage): Promise<CountsPage> {
      const parsed = parseCountsQuery(searchOf(req.url));
      if (!parsed.ok) throw new BadRequestException(parsed.errors);
      return orBadRequest(this.history.counts(parsed.query));
    }
  }
  return CountsController;
}
