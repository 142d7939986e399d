import { Module } from '@nestjs/common';
import { OrchestratorEventsModule, optionsFromEnv } from '@orchestrator/events';
import { OrchestratorEventsPostgresModule } from '@orchestrator/events/postgres';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { DemoQueueModule } from './queue/demo-queue.module';

const env = optionsFromEnv(process.env);

@Module({
  imports: [
    OrchestratorEventsModule.forRoot({
      ...env,
      // The dashboard is served from the same origin and the app has no global guards: nothing the
      // fast path skips is in use here, so the demo turns it on unless ORCH_SSE_FAST_PATH says no.
      sseFastPath: env.sseFastPath ?? true,
      // The dashboard page at /dashboard/ (main.ts redirects / there), as a user would mount it.
      dashboard: { path: 'dashboard' },
      // orchestrator_events_* metrics in prom-client's registry, served at GET /metrics (main.ts).
      metrics: true,
      // trace_id/span_id on events logged inside a span, when the app runs with an OpenTelemetry SDK.
      tracing: true,
    }),
    // ORCH_HISTORY_URL: every instance's history in PostgreSQL, kept ORCH_HISTORY_RETENTION (30d).
    ...(process.env['ORCH_HISTORY_URL'] ? [OrchestratorEventsPostgresModule.forRoot()] : []),
    JobsModule,
    HealthModule,
    DemoQueueModule,
  ],
})
export class AppModule {}
