import { Controller, Param, Post } from '@nestjs/common';
import { WorkService } from './work.service.js';

@Controller('work')
export class WorkController {
  constructor(private readonly work: WorkService) {}

  @Post(':taskId')
  run(@Param('taskId') taskId: string): Promise<{ received: string | undefined; result: number }> {
    return this.work.run(taskId);
  }
}
