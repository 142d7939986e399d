import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { ENTITY_ID_PATTERN } from '@orchestrator/events-contract';

/** Body of `POST /api/v1/jobs`. */
export class CreateJobDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 3 })
  @IsOptional()
  @IsInt({ message: 'steps must be an integer from 1 to 100' })
  @Min(1, { message: 'steps must be an integer from 1 to 100' })
  @Max(100, { message: 'steps must be an integer from 1 to 100' })
  steps?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 10000, default: 200 })
  @IsOptional()
  @IsInt({ message: 'step_ms must be an integer from 0 to 10000' })
  @Min(0, { message: 'step_ms must be an integer from 0 to 10000' })
  @Max(10000, { message: 'step_ms must be an integer from 0 to 10000' })
  step_ms?: number;

  @ApiPropertyOptional({ minimum: 1, description: 'fail at this step (1..steps)' })
  @IsOptional()
  @IsInt({ message: 'fail_at_step must be an integer from 1 to steps' })
  @Min(1, { message: 'fail_at_step must be an integer from 1 to steps' })
  fail_at_step?: number;

  @ApiPropertyOptional({ description: '1-128 characters of [A-Za-z0-9._:-]; generated if absent' })
  @IsOptional()
  @Matches(ENTITY_ID_PATTERN, { message: 'task_id must be 1-128 characters of [A-Za-z0-9._:-]' })
  task_id?: string;
}
