import { ApiProperty, ApiPropertyOptional } from './openapi.decorators';
import { EVENT_LEVELS, EventLevel } from '@orchestrator/events-contract';

/** OpenAPI description of one event line (documentation only; extra fields are allowed). */
export class OrchestratorEventSchema {
  @ApiProperty({ example: '2026-11-24T10:30:45.123456Z', description: 'UTC, microseconds' })
  timestamp!: string;
  @ApiProperty({ enum: EVENT_LEVELS })
  level!: EventLevel;
  @ApiProperty({ example: 'orchestrator_events' })
  logger!: string;
  @ApiProperty({ example: 'job_completed', description: '1-128 chars of [A-Za-z0-9_.:-]' })
  event!: string;
  @ApiProperty({
    example: '1795515045123-000042-o-glm',
    description: '<13-digit ms>-<6-digit seq>-<orch_id>; string order = logging order; the SSE id',
  })
  event_id!: string;
  @ApiProperty({ example: 'o-glm' })
  orch_id!: string;
  @ApiPropertyOptional({ example: 'task-123' })
  task_id?: string;
  @ApiPropertyOptional({ example: 'run-456' })
  run_id?: string;
  @ApiPropertyOptional({ example: 'Job completed successfully' })
  message?: string;
  @ApiPropertyOptional({ example: 'success' })
  status?: string;
}

/** OpenAPI description of a history page. */
export class EventsPageSchema {
  @ApiProperty({ type: [OrchestratorEventSchema], description: 'chronological order' })
  events!: OrchestratorEventSchema[];
  @ApiProperty({ description: 'more matches exist beyond this page' })
  has_more!: boolean;
  @ApiPropertyOptional({
    description:
      'present (true) when a history store could not answer: the page holds what the files had',
  })
  partial?: boolean;
}
