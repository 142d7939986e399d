import { Module } from '@nestjs/common';
import { OrchestratorEventsModule } from '@orchestrator/events';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';

@Module({
  imports: [
    OrchestratorEventsModule.forRoot({
      // The dashboard is served from the same origin and the app has no global guards: nothing the
      // fast path skips is in use here (ORCH_SSE_FAST_PATH=false turns it off).
      sseFastPath: process.env['ORCH_SSE_FAST_PATH'] ?? true,
    }),
    JobsModule,
    HealthModule,
  ],
})
export class AppModule {}
