import type { AlertClaims } from './alert-claims';
import type { Duration } from './duration';

/** What a rule watches. */
export type AlertKind = 'run_failed' | 'run_stuck' | 'error_rate';

/** What every rule may have. */
export interface AlertRuleBase {
  /**
   * The rule's name: in the claim key (one alert per run and rule), in the rate limit and in the
   * summary's text. Default the rule's `alert` kind; two rules need two names.
   */
  name?: string;
  /** Only runs (or ERROR events) of this task: an exact id, or a pattern with `*`. Default every task. */
  task_id?: string;
  /**
   * Only this event: an exact name or a pattern with `*`. For `run_failed` the event that failed
   * the run, for `run_stuck` the run's last event, for `error_rate` the ERROR events counted.
   * Default every event.
   */
  event?: string;
}

/** A run's status became `failed` (the contract's run rules: `runStatusOf`). */
export interface RunFailedRule extends AlertRuleBase {
  alert: 'run_failed';
}

/** A `running` run has had no event for `stuckAfter`. */
export interface RunStuckRule extends AlertRuleBase {
  alert: 'run_stuck';
  /** How long a running run may stay silent: ms, or `30s`, `10m`, `1h`. Required. */
  stuckAfter: Duration;
}

/** At least `threshold` ERROR events within `window` (by the events' timestamps). */
export interface ErrorRateRule extends AlertRuleBase {
  alert: 'error_rate';
  /** ERROR events that fire the alert. Required. */
  threshold: number;
  /** The sliding window: ms, or `30s`, `10m`, `1h`. Required. */
  window: Duration;
}

/** One alert rule. */
export type AlertRule = RunFailedRule | RunStuckRule | ErrorRateRule;

/** Where alerts are sent: a POST of the JSON payload, signed. */
export interface AlertWebhookOptions {
  /** An absolute `http://` or `https://` URL. Required. */
  url: string;
  /** The key of the `X-Orchestrator-Signature` HMAC-SHA256. Required; never logged. */
  secret: string;
  /** Time allowed for one attempt (connection, request and response head). Default `10s`. */
  timeout?: Duration;
  /** Delay before the first retry; each next one doubles, up to 1 minute. Default `1s`. */
  retryDelay?: Duration;
  /** After this long since the first attempt, no retry starts: the alert is given up. Default `5m`. */
  retryFor?: Duration;
}

/** Options of `OrchestratorEventsAlertsModule.forRoot()`. */
export interface OrchestratorEventsAlertsOptions {
  /** The rules. Default `[{ alert: 'run_failed' }]`. */
  rules?: AlertRule[];
  /** The webhook. Required. */
  webhook: AlertWebhookOptions;
  /**
   * At most `max` alerts per rule per `window`; the alerts over it are counted and sent as one
   * summary alert when the window ends. Default `{ max: 10, window: '1m' }`.
   */
  rateLimit?: { max?: number; window?: Duration };
  /** Runs held in memory (the least recently active are forgotten first). Default 10,000. */
  maxRuns?: number;
  /**
   * How long a claim ("this alert was sent") is kept, in Redis when `OrchestratorEventsRedisModule` is
   * imported, else in memory. Default `7d`.
   */
  claimTtl?: Duration;
  /**
   * Where claims are kept, instead of Redis (with `OrchestratorEventsRedisModule`) or memory: any
   * `AlertClaims`, e.g. a table with a unique key in your database. Default unset.
   */
  claims?: AlertClaims;
}
