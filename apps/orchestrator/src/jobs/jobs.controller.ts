import {
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  HttpStatus,
  Post,
  UseGuards,
  ValidationPipe,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { WriteTokenGuard } from '../auth/app-token';
import { CreateJobDto } from './create-job.dto';
import { JobHandle, JobsService } from './jobs.service';
import { JsonObjectPipe } from './json-object.pipe';

const objectBody = new JsonObjectPipe();
const strictBody = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  // A JSON number must stay a number: "3" is refused, not converted.
  transform: false,
  stopAtFirstError: true,
  validationError: { target: false, value: false },
});

@ApiTags('demo jobs')
@Controller('jobs')
// With ORCH_EVENTS_TOKEN set, starting a job needs the token, like reading events.
@UseGuards(WriteTokenGuard)
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  /** Starts a demo job; answers at once with its ids while it runs in the background. */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ description: '{ "task_id", "run_id" }' })
  @ApiBadRequestResponse({
    description: 'The body is not a JSON object, or a field is unknown, malformed or out of range',
  })
  @ApiBearerAuth()
  @ApiUnauthorizedResponse({ description: 'ORCH_EVENTS_TOKEN is set and the request lacks it' })
  create(@Body(objectBody, strictBody) body: CreateJobDto): JobHandle {
    const steps = body.steps ?? 3;
    if (body.fail_at_step !== undefined && body.fail_at_step > steps) {
      throw new BadRequestException([`fail_at_step must be an integer from 1 to steps (${steps})`]);
    }
    return this.jobs.start({
      steps,
      step_ms: body.step_ms ?? 200,
      fail_at_step: body.fail_at_step,
      task_id: body.task_id,
    });
  }
}
