import { OptionProblems } from '../lib/options/option-problems';
import { bad, ok, Read, readInteger } from '../lib/options/option-readers';
import { ALERT_MESSAGES } from './alerts.messages';
import { AlertKind, AlertRule, OrchestratorEventsAlertsOptions } from './alerts.options';
import { parseDuration } from './duration';
import { compilePattern, ValuePattern } from './value-pattern';

/** A rule with its defaults applied and its patterns compiled. */
export interface ResolvedAlertRule {
  kind: AlertKind;
  name: string;
  taskId: ValuePattern;
  event: ValuePattern;
  /** `run_stuck` only. */
  stuckAfterMs: number;
  /** `error_rate` only. */
  threshold: number;
  windowMs: number;
}

/** The options with defaults applied and checked. */
export interface ResolvedAlertsOptions {
  rules: ResolvedAlertRule[];
  webhook: {
    url: string;
    secret: string;
    timeoutMs: number;
    retryDelayMs: number;
    retryForMs: number;
  };
  rateLimit: { max: number; windowMs: number };
  maxRuns: number;
  claimTtlMs: number;
}

const KINDS: readonly AlertKind[] = ['run_failed', 'run_stuck', 'error_rate'];
const MAX_COUNT = 1_000_000;

function readDuration(positive: boolean): (value: unknown) => Read<number> {
  return (value) => {
    const ms = parseDuration(value);
    return ms === undefined || (positive && ms <= 0) ? bad(ALERT_MESSAGES.duration) : ok(ms);
  };
}

function readCount(value: unknown): Read<number> {
  return typeof value === 'number'
    ? readInteger(value, 1, MAX_COUNT)
    : bad(ALERT_MESSAGES.positiveInteger(MAX_COUNT));
}

function readPattern(value: unknown): Read<ValuePattern> {
  return typeof value === 'string' && value !== ''
    ? ok(compilePattern(value))
    : bad(ALERT_MESSAGES.pattern);
}

/** The core's collector of every bad value, with the alerts' own kinds of setting. */
class Problems extends OptionProblems {
  duration(setting: string, value: unknown, fallback: number, positive = false): number {
    return this.read(setting, value, fallback, readDuration(positive));
  }
  count(setting: string, value: unknown, fallback: number): number {
    return this.read(setting, value, fallback, readCount);
  }
  pattern(setting: string, value: unknown): ValuePattern {
    return this.read(setting, value, compilePattern(undefined), readPattern);
  }
}

/** True for an absolute http(s) URL. */
export function isWebhookUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function resolveRule(rule: AlertRule, index: number, problems: Problems): ResolvedAlertRule {
  const at = `option alerts.rules[${index}]`;
  const kind = KINDS.includes(rule?.alert) ? rule.alert : undefined;
  if (kind === undefined) problems.add(`${at}.alert`, rule?.alert, ALERT_MESSAGES.ruleKind);
  const name = rule?.name ?? rule?.alert;
  if (typeof name !== 'string' || name === '') {
    problems.add(`${at}.name`, name, ALERT_MESSAGES.ruleName);
  }
  const any = (rule ?? {}) as unknown as Partial<Record<string, unknown>>;
  return {
    kind: kind ?? 'run_failed',
    name: String(name),
    taskId: problems.pattern(`${at}.task_id`, any['task_id']),
    event: problems.pattern(`${at}.event`, any['event']),
    stuckAfterMs:
      kind === 'run_stuck'
        ? problems.duration(`${at}.stuckAfter`, any['stuckAfter'] ?? '', 0, true)
        : 0,
    threshold:
      kind === 'error_rate' ? problems.count(`${at}.threshold`, any['threshold'] ?? 0, 1) : 0,
    windowMs:
      kind === 'error_rate' ? problems.duration(`${at}.window`, any['window'] ?? '', 0, true) : 0,
  };
}

/** Defaults and validation; `OrchestratorEventsConfigError` lists every bad option at once. */
export function resolveAlertsOptions(
  options: OrchestratorEventsAlertsOptions,
): ResolvedAlertsOptions {
  const problems = new Problems();
  const webhook = options?.webhook ?? ({} as OrchestratorEventsAlertsOptions['webhook']);
  if (!isWebhookUrl(webhook.url)) {
    problems.add('option alerts.webhook.url', webhook.url, ALERT_MESSAGES.webhookUrl);
  }
  if (typeof webhook.secret !== 'string' || webhook.secret === '') {
    // Never the value itself: a secret of the wrong type is still a secret.
    problems.add('option alerts.webhook.secret', '<hidden>', ALERT_MESSAGES.secret);
  }
  const rulesIn = options?.rules ?? [{ alert: 'run_failed' }];
  if (!Array.isArray(rulesIn)) problems.add('option alerts.rules', rulesIn, ALERT_MESSAGES.rules);
  const rules = Array.isArray(rulesIn) ? rulesIn.map((r, i) => resolveRule(r, i, problems)) : [];
  const names = rules.map((r) => r.name);
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i) {
      problems.add(`option alerts.rules[${i}].name`, name, ALERT_MESSAGES.ruleName);
    }
  });
  const resolved: ResolvedAlertsOptions = {
    rules,
    webhook: {
      url: String(webhook.url),
      secret: String(webhook.secret),
      timeoutMs: problems.duration('option alerts.webhook.timeout', webhook.timeout, 10_000, true),
      retryDelayMs: problems.duration('option alerts.webhook.retryDelay', webhook.retryDelay, 1000),
      retryForMs: problems.duration('option alerts.webhook.retryFor', webhook.retryFor, 300_000),
    },
    rateLimit: {
      max: problems.count('option alerts.rateLimit.max', options?.rateLimit?.max, 10),
      windowMs: problems.duration(
        'option alerts.rateLimit.window',
        options?.rateLimit?.window,
        60_000,
        true,
      ),
    },
    maxRuns: problems.count('option alerts.maxRuns', options?.maxRuns, 10_000),
    claimTtlMs: problems.duration(
      'option alerts.claimTtl',
      options?.claimTtl,
      7 * 86_400_000,
      true,
    ),
  };
  problems.throwIfAny();
  return resolved;
}
