import { Module } from '@nestjs/common';
import { OrchestratorEventsModule } from '@orchestrator/events';
import { JobsModule } from './jobs/jobs.module';

@Module({
  imports: [OrchestratorEventsModule.forRoot(), JobsModule],
})
export class AppModule {}
