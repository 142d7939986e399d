import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventLogger } from '../lib/write/event-logger.service';
import { Alert, signature } from './alert-payload';
import { ResolvedAlertsOptions } from './resolve-alerts-options';

/** Longest wait between two attempts. */
const MAX_RETRY_DELAY_MS = 60_000;

/** What one attempt gave: a status, or the error that prevented one. */
type Outcome = { status: number } | { error: string };

/**
 * Sends alerts to the webhook: a POST of the JSON payload signed with the secret, retried with
 * exponential back-off on network errors and 5xx (never on another status) until `retryFor` has
 * passed since the first attempt. Every attempt is an event (`alert_sent`, `alert_failed`) in the
 * log; those never fire an alert (the engine ignores them). Never throws.
 */
export class WebhookSender {
  private readonly stopping = new AbortController();
  private readonly target: string;

  constructor(
    private readonly webhook: ResolvedAlertsOptions['webhook'],
    private readonly events: EventLogger,
  ) {
    // Only the host in events: a webhook URL's path is often a credential (Slack, Mattermost).
    this.target = new URL(webhook.url).host;
  }

  /** Resolves once the alert is delivered or given up. */
  async send(alert: Alert): Promise<void> {
    const body = JSON.stringify(alert.payload);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'orchestrator-events-alerts',
      'x-orchestrator-signature': signature(body, this.webhook.secret),
      // One id per alert, the same on every retry: the receiver can drop a repeated delivery.
      'x-orchestrator-delivery': randomUUID(),
    };
    const started = Date.now();
    let delay = this.webhook.retryDelayMs;
    for (let attempt = 1; !this.stopping.signal.aborted; attempt++) {
      const outcome = await this.attempt(body, headers);
      const fields = this.fieldsOf(alert, headers['x-orchestrator-delivery'], attempt);
      if ('status' in outcome && outcome.status >= 200 && outcome.status < 300) {
        this.events.info('alert_sent', { ...fields, http_status: outcome.status });
        return;
      }
      const retry =
        ('error' in outcome || outcome.status >= 500) &&
        Date.now() - started + delay <= this.webhook.retryForMs &&
        !this.stopping.signal.aborted;
      const failed = {
        ...fields,
        ...('error' in outcome ? { error: outcome.error } : { http_status: outcome.status }),
      };
      if (!retry) {
        this.events.error('alert_failed', { ...failed, gave_up: true });
        return;
      }
      this.events.warn('alert_failed', { ...failed, retry_in_ms: delay });
      await sleep(delay, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
    }
  }

  /** Ends the retry waits and attempts in flight (the app is stopping). */
  stop(): void {
    this.stopping.abort();
  }

  private async attempt(body: string, headers: Record<string, string>): Promise<Outcome> {
    try {
      const response = await fetch(this.webhook.url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.any([
          AbortSignal.timeout(this.webhook.timeoutMs),
          this.stopping.signal,
        ]),
      });
      // Read (and drop) the body so the connection is reused or closed, never left hanging.
      await response.arrayBuffer().catch(() => undefined);
      return { status: response.status };
    } catch (err) {
      const error = err as Error & { cause?: { code?: string; message?: string } };
      return { error: error.cause?.code ?? error.cause?.message ?? error.message ?? String(err) };
    }
  }

  private fieldsOf(alert: Alert, delivery: string, attempt: number) {
    const p = alert.payload;
    // The alerted run's id under a name of its own: an alert_failed with the run's run_id would read
    // as that run failing (the contract's run rules). Its task_id lets a task's filter show them.
    return {
      alert: p.alert,
      rule: alert.rule,
      delivery_id: delivery,
      attempt,
      target: this.target,
      ...(p.task_id === null ? {} : { task_id: p.task_id }),
      ...(p.run_id === null ? {} : { alert_run_id: p.run_id }),
    };
  }
}
