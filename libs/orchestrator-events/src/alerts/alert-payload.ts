import { createHmac } from 'node:crypto';
import { AlertKind } from './alerts.options';

/**
 * The JSON body of a webhook POST, exactly these keys (documented in docs/alerts.md). `text` is a
 * one-line summary that Slack and Mattermost incoming webhooks show as is.
 */
export interface AlertPayload {
  /** The rule's kind: `run_failed`, `run_stuck` or `error_rate`. */
  alert: AlertKind;
  task_id: string | null;
  run_id: string | null;
  /** The run's status when the alert fired (`failed`, `running`), `null` for `error_rate` and summaries. */
  status: string | null;
  /** Why the run failed (the contract's `failureReason`), else `null`. */
  failure: string | null;
  first_event_id: string | null;
  last_event_id: string | null;
  /** When the alert fired, ISO 8601 UTC. */
  at: string;
  text: string;
}

/** An alert ready to send: its payload, the rule it comes from and its claim key. */
export interface Alert {
  rule: string;
  /** One alert per key across restarts and instances; `undefined` for a summary (never claimed). */
  claimKey?: string;
  payload: AlertPayload;
}

/** `sha256=<hex HMAC-SHA256 of the raw body>`: the value of `X-Orchestrator-Signature`. */
export function signature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** The payload with nulls for what the alert does not know. */
export function payload(
  alert: AlertKind,
  text: string,
  fields: Partial<Omit<AlertPayload, 'alert' | 'at' | 'text'>>,
): AlertPayload {
  return {
    alert,
    task_id: fields.task_id ?? null,
    run_id: fields.run_id ?? null,
    status: fields.status ?? null,
    failure: fields.failure ?? null,
    first_event_id: fields.first_event_id ?? null,
    last_event_id: fields.last_event_id ?? null,
    at: new Date().toISOString(),
    // One line, whatever a failure message holds.
    text: text.replace(/\s*[\r\n]+\s*/g, ' '),
  };
}
