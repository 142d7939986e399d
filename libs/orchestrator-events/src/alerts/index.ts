/*
 * @orchestrator/events/alerts: alerts on failed and stuck runs and on error rates, by signed
 * webhook. Needs `OrchestratorEventsModule.forRoot()` in the same app; no other peer.
 */
export { OrchestratorEventsAlertsModule } from './orchestrator-events-alerts.module';
export type {
  AlertKind,
  AlertRule,
  AlertWebhookOptions,
  ErrorRateRule,
  OrchestratorEventsAlertsOptions,
  RunFailedRule,
  RunStuckRule,
} from './alerts.options';
export type { AlertPayload } from './alert-payload';
export type { AlertClaims } from './alert-claims';
export { alertsOptionsFromEnv } from './alerts-env';
