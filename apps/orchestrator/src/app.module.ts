import { Module } from '@nestjs/common';
import { OrchestratorEventsModule, optionsFromEnv } from '@orchestrator/events';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';

const env = optionsFromEnv(process.env);

@Module({
  imports: [
    OrchestratorEventsModule.forRoot({
      ...env,
      // The dashboard is served from the same origin and the app has no global guards: nothing the
      // fast path skips is in use here, so the demo turns it on unless ORCH_SSE_FAST_PATH says no.
      sseFastPath: env.sseFastPath ?? true,
    }),
    JobsModule,
    HealthModule,
  ],
})
export class AppModule {}
