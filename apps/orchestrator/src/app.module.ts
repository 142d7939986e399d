import { Module } from '@nestjs/common';
import { OrchestratorEventsModule } from '@orchestrator/events';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';

@Module({
  imports: [OrchestratorEventsModule.forRoot(), JobsModule, HealthModule],
})
export class AppModule {}
