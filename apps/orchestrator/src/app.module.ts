import { Module } from '@nestjs/common';
import { OrchestratorEventsModule, optionsFromEnv } from '@orchestrator/events';
import {
  alertsOptionsFromEnv,
  OrchestratorEventsAlertsModule,
  OrchestratorEventsAlertsOptions,
} from '@orchestrator/events/alerts';
import { OrchestratorEventsDashboardModule } from '@orchestrator/events/dashboard';
import { OrchestratorEventsMetricsModule } from '@orchestrator/events/metrics';
import { OrchestratorEventsPostgresModule } from '@orchestrator/events/postgres';
import { OrchestratorEventsTracingModule } from '@orchestrator/events/tracing';
import { OrchestratorEventsRedisModule } from '@orchestrator/events/redis';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { DemoQueueModule } from './queue/demo-queue.module';

const env = optionsFromEnv(process.env);

/**
 * Alerts (ORCH_ALERT_WEBHOOK_URL, ORCH_ALERT_SECRET, ORCH_ALERT_STUCK_AFTER): on whenever a webhook
 * URL is set. The variables are read in factories, inside NestFactory.create(), so that a bad value
 * is the one-line start-up error main.ts prints, also when no URL is set.
 */
const alerts = process.env['ORCH_ALERT_WEBHOOK_URL']
  ? [
      OrchestratorEventsAlertsModule.forRootAsync({
        useFactory: () => alertsOptionsFromEnv(process.env) as OrchestratorEventsAlertsOptions,
      }),
    ]
  : [];

@Module({
  imports: [
    OrchestratorEventsModule.forRoot({
      ...env,
      // The dashboard is served from the same origin and the app has no global guards: nothing the
      // fast path skips is in use here, so the demo turns it on unless ORCH_SSE_FAST_PATH says no.
      sseFastPath: env.sseFastPath ?? true,
    }),
    // The dashboard page at /dashboard/ (main.ts redirects / there), as a user would mount it.
    OrchestratorEventsDashboardModule.forRoot({ path: 'dashboard' }),
    // trace_id/span_id on events logged inside a span, when the app runs with an OpenTelemetry SDK.
    OrchestratorEventsTracingModule.forRoot(),
    // orchestrator_events_* metrics in prom-client's registry, served at GET /metrics (main.ts).
    OrchestratorEventsMetricsModule.forRoot(),
    ...alerts,
    // REDIS_URL: the bus is the Redis Stream ORCH_REDIS_STREAM shared by every instance.
    ...(process.env['REDIS_URL'] ? [OrchestratorEventsRedisModule.forRoot()] : []),
    // ORCH_HISTORY_URL: every instance's history in PostgreSQL, kept ORCH_HISTORY_RETENTION (30d).
    ...(process.env['ORCH_HISTORY_URL'] ? [OrchestratorEventsPostgresModule.forRoot()] : []),
    JobsModule,
    HealthModule,
    DemoQueueModule,
  ],
  providers: [
    { provide: 'ORCH_ALERT_ENV_CHECK', useFactory: () => alertsOptionsFromEnv() ?? null },
  ],
})
export class AppModule {}
