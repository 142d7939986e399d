import { Module } from '@nestjs/common';
import { OrchestratorEventsModule } from '@orchestrator/events';
import { WorkController } from './work.controller.js';
import { WorkService } from './work.service.js';

@Module({
  imports: [OrchestratorEventsModule.forRoot()],
  controllers: [WorkController],
  providers: [WorkService],
})
export class AppModule {}
