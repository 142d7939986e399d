import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { OrchestratorEventsHealthIndicator } from '@orchestrator/events/terminus';
import { AuthModule } from '../auth/auth.module';
import { JobsModule } from '../jobs/jobs.module';
import { HealthController } from './health.controller';
import { ReadyController } from './ready.controller';

@Module({
  // Terminus's logger stays off: a 503 is an answer here, not an error to print.
  imports: [JobsModule, AuthModule, TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController, ReadyController],
  providers: [OrchestratorEventsHealthIndicator],
})
export class HealthModule {}
