import { applyDecorators, BadRequestException, CanActivate, Get, Req, Type } from '@nestjs/common';
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

/**
 * The page for a parsed query: a parameter error is the client's 400 naming it, and so is a
 * `RangeError` from the history (a bound or cursor it cannot place).
 */
async function answer<Q, T>(
  parsed: { ok: true; query: Q } | { ok: false; errors: string[] },
  read: (query: Q) => Promise<T>,
): Promise<T> {
  if (!parsed.ok) throw new BadRequestException(parsed.errors);
  try {
    return await read(parsed.query);
  } catch (err) {
    if (err instanceof RangeError) throw new BadRequestException([err.message]);
    throw err;
  }
}

/** `GET` with its OpenAPI operation and 200 body, and the 400 every history endpoint can answer. */
function HistoryGet(summary: string, description: string, ok: string): MethodDecorator {
  return applyDecorators(
    Get(),
    ApiOperation({ summary, description }),
    ApiOkResponse({ description: ok }),
    ApiBadRequestResponse({ description: 'A parameter is unknown, malformed or out of range' }),
  );
}

/** The runs controller at `path`, guarded like the events controller. */
export function createRunsController(
  path: string,
  guards: (Type<CanActivate> | CanActivate)[] = [],
): Type<unknown> {
  @EventsEndpoint(path, guards)
  class RunsController {
    constructor(private readonly history: EventHistory) {}

    @HistoryGet(
      'Runs as records, newest first by started_at',
      'Parameters: task_id, status (running, success, failed), since/until (on started_at), limit (1-1000, default 100), before (a run_id: the page after it). From a history store when configured, else folded from the log files (bounded by what they hold). Body: `{ runs, has_more, partial? }`.',
      '{ "runs": [RunRecord...], "has_more": bool }',
    )
    runs(@Req() req: IncomingMessage): Promise<RunsPage> {
      return answer(parseRunsQuery(searchOf(req.url)), (query) => this.history.runs(query));
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

    @HistoryGet(
      'Events per level per time bucket',
      'The filters and window of GET /events (task_id, run_id, event, level, q, extras.<key>, since, until) and bucket (seconds, 1-604800, default 60; widened so the answer holds at most 1440 buckets). Buckets start at multiples of the width since the epoch; empty ones are left out. Body: `{ bucket, buckets: [{ start, counts: { LEVEL: n } }], partial? }`.',
      '{ "bucket": 60, "buckets": [{ "start", "counts" }] }',
    )
    counts(@Req() req: IncomingMessage): Promise<CountsPage> {
      return answer(parseCountsQuery(searchOf(req.url)), (query) => this.history.counts(query));
    }
  }
  return CountsController;
}
