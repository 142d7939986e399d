import { OptionProblems } from '../lib/options/option-problems';
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
  const problems = new OptionProblems();
  if (url !== undefined && !isWebhookUrl(url)) {
    problems.add('ORCH_ALERT_WEBHOOK_URL', url, ALERT_MESSAGES.webhookUrl);
  }
  if (url !== undefined && secret === undefined) {
    problems.add('ORCH_ALERT_SECRET', '', ALERT_MESSAGES.secretWithUrl);
  }
  const stuckAfter = stuckText === undefined ? undefined : parseDuration(stuckText);
  if (stuckText !== undefined && (stuckAfter === undefined || stuckAfter <= 0)) {
    problems.add('ORCH_ALERT_STUCK_AFTER', stuckText, ALERT_MESSAGES.duration);
  }
  problems.throwIfAny();
  if (url === undefined || secret === undefined) return undefined;
  const rules: AlertRule[] = [{ alert: 'run_failed' }];
  if (stuckAfter !== undefined) rules.push({ alert: 'run_stuck', stuckAfter });
  return { webhook: { url, secret }, rules };
}
