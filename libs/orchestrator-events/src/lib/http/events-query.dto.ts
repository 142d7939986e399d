import { ApiPropertyOptional } from './openapi.decorators';
import { Transform, Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import {
  ENTITY_ID_PATTERN,
  EVENT_LEVELS,
  EVENT_ID_PATTERN,
  EVENT_NAME_PATTERN,
  EventLevel,
  MAX_QUERY_LIMIT,
  parseLevel,
} from '@orchestrator/events-contract';
import { IsEventTime } from './event-time.validator';

const ID_RULE = '1-128 characters of [A-Za-z0-9._:-]';

/** `a,b` and repeated parameters (`?event=a&event=b`) alike become one list. */
function toList({ value }: { value: unknown }): unknown {
  if (typeof value === 'string') return value.split(',').map((name) => name.trim());
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return value.flatMap((v: string) => v.split(',').map((name) => name.trim()));
  }
  return value;
}

/** Level names in any case; unknown ones are kept as given so the error can quote them. */
function toLevel({ value }: { value: unknown }): unknown {
  return typeof value === 'string' ? (parseLevel(value) ?? value) : value;
}

/** The filters both endpoints accept, and the token for clients that cannot send headers. */
export class EventsFilterDto {
  @ApiPropertyOptional({
    description:
      'The ORCH_EVENTS_TOKEN, for clients that cannot send an Authorization header (browser EventSource)',
  })
  @IsOptional()
  @IsString({ message: 'access_token must be given once' })
  access_token?: string;

  @ApiPropertyOptional({ description: `Exact task id: ${ID_RULE}`, example: 'task-123' })
  @IsOptional()
  @Matches(ENTITY_ID_PATTERN, { message: `task_id must be ${ID_RULE}` })
  task_id?: string;

  @ApiPropertyOptional({ description: `Exact run id: ${ID_RULE}`, example: 'run-456' })
  @IsOptional()
  @Matches(ENTITY_ID_PATTERN, { message: `run_id must be ${ID_RULE}` })
  run_id?: string;

  @ApiPropertyOptional({
    description: 'Event names, comma-separated: any of them',
    example: 'job_started,job_completed',
    type: String,
  })
  @IsOptional()
  @Transform(toList)
  @IsArray({ message: 'event must be a comma-separated list of event names' })
  @Matches(EVENT_NAME_PATTERN, {
    each: true,
    message: 'event must be a comma-separated list of names of 1-128 characters of [A-Za-z0-9_.:-]',
  })
  event?: string[];

  @ApiPropertyOptional({
    description: 'Minimum level, any case (WARN = WARNING)',
    enum: EVENT_LEVELS,
  })
  @IsOptional()
  @Transform(toLevel)
  @IsIn(EVENT_LEVELS, { message: 'level must be one of DEBUG, INFO, WARNING, ERROR' })
  level?: EventLevel;
}

/** Query parameters of `GET /events`. */
export class EventsQueryDto extends EventsFilterDto {
  @ApiPropertyOptional({ description: 'Inclusive lower bound on timestamp, ISO 8601' })
  @IsOptional()
  @IsEventTime({
    message: 'since must be an ISO 8601 date-time such as 2026-11-24T10:30:00Z (years 0000-9999)',
  })
  since?: string;

  @ApiPropertyOptional({ description: 'Exclusive upper bound on timestamp, ISO 8601' })
  @IsOptional()
  @IsEventTime({
    message: 'until must be an ISO 8601 date-time such as 2026-11-24T10:30:00Z (years 0000-9999)',
  })
  until?: string;

  @ApiPropertyOptional({
    description: 'Cursor: events with an id above this one (the oldest `limit` of them)',
  })
  @IsOptional()
  @Matches(EVENT_ID_PATTERN, { message: 'after must be an event_id' })
  after?: string;

  @ApiPropertyOptional({ description: 'Cursor: events with an id below this one' })
  @IsOptional()
  @Matches(EVENT_ID_PATTERN, { message: 'before must be an event_id' })
  before?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_QUERY_LIMIT, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: `limit must be an integer from 1 to ${MAX_QUERY_LIMIT}` })
  @Min(1, { message: `limit must be an integer from 1 to ${MAX_QUERY_LIMIT}` })
  @Max(MAX_QUERY_LIMIT, { message: `limit must be an integer from 1 to ${MAX_QUERY_LIMIT}` })
  limit?: number;
}

/** Query parameters of `GET /events/stream`. */
export class EventsStreamQueryDto extends EventsFilterDto {
  @ApiPropertyOptional({
    description:
      'Resume after this event_id on a first connection; the Last-Event-ID header wins over it',
  })
  @IsOptional()
  @Matches(EVENT_ID_PATTERN, { message: 'last_event_id must be an event_id' })
  last_event_id?: string;
}
