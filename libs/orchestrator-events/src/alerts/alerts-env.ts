import { OrchestratorEventsConfigError } from '../lib/shared/orchestrator-events.errors';
import { ALERT_MESSAGES } from './alerts.messages';
import { AlertRule, OrchestratorEventsAlertsOptions } from './alerts.options';
import { parseDuration } from './duration';
import { isWebhookUrl } from './resolve-alerts-options';

/**
 * The alerts options from the environment, or `undefined` (no alerts) when
 * `ORCH_ALERT_WEBHOOK_URL` is unset or empty:
 * - `ORCH_ALERT_WEBHOOK_URL`: where alerts are POSTed; turns `run_failed` alerts on;
 * - `ORCH_ALERT_SECRET`: the signature key, required with a URL (never logged nor shown);
 * - `ORCH_ALERT_STUCK_AFTER`: a duration (`10m`); adds `run_stuck` alerts. Default unset: none.
 *
 * Every bad value at once, in one `OrchestratorEventsConfigError` naming the variables.
 */
export function alertsOptionsFromEnv(
  env: Record<string, string | undefined> = process.env,
): OrchestratorEventsAlertsOptions | undefined {
  const url = env['ORCH_ALERT_WEBHOOK_URL'] || undefined;
  const secret = env['ORCH_ALERT_SECRET'] || undefined;
  const stuckText = env['ORCH_ALERT_STUCK_AFTER'] || undefined;
  const problems: string[] = [];
  const bad = (name: string, value: unknown, allowed: string) =>
    problems.push(new OrchestratorEventsConfigError(name, value, allowed).message);
  if (url !== undefined && !isWebhookUrl(url)) {
    bad('ORCH_ALERT_WEBHOOK_URL', url, ALERT_MESSAGES.webhookUrl);
  }
  if (url !== undefined && secret === undefined) {
    bad('ORCH_ALERT_SECRET', '', ALERT_MESSAGES.secretWithUrl);
  }
  const stuckAfter = stuckText === undefined ? undefined : parseDuration(stuckText);
  if (stuckText !== undefined && (stuckAfter === undefined || stuckAfter <= 0)) {
    bad('ORCH_ALERT_STUCK_AFTER', stuckText, ALERT_MESSAGES.duration);
  }
  if (problems.length > 0) throw new OrchestratorEventsConfigError(problems);
  if (url === undefined || secret === undefined) return undefined;
  const rules: AlertRule[] = [{ alert: 'run_failed' }];
  if (stuckAfter !== undefined) rules.push({ alert: 'run_stuck', stuckAfter });
  return { webhook: { url, secret }, rules };
}
