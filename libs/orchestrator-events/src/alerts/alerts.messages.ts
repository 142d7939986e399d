/** Every text the alerts module writes: configuration errors, alert texts and its own log lines. */
export const ALERT_MESSAGES = {
  duration:
    'expected a duration: a number of milliseconds, or digits and a unit (500ms, 30s, 10m, 1h, 1d)',
  positiveInteger: (max: number) => `expected an integer from 1 to ${max}`,
  webhookUrl: 'expected an absolute http:// or https:// URL',
  secret: 'expected a non-empty string (the HMAC-SHA256 key of X-Orchestrator-Signature)',
  secretWithUrl:
    'required when ORCH_ALERT_WEBHOOK_URL is set (the HMAC-SHA256 key of X-Orchestrator-Signature)',
  rules:
    'expected an array of rules, each { alert: "run_failed" | "run_stuck" | "error_rate", ... }',
  ruleKind: 'expected "run_failed", "run_stuck" or "error_rate"',
  pattern: 'expected a non-empty string: an exact value or a pattern with *',
  ruleName: 'expected a non-empty string, unique among the rules',
  runFailedText: (task: string, run: string, failure: string | undefined) =>
    `Run ${run} of task ${task} failed${failure === undefined ? '' : `: ${failure}`}`,
  runStuckText: (task: string, run: string, silentMs: number) =>
    `Run ${run} of task ${task} is stuck: no event for ${Math.round(silentMs / 1000)}s`,
  errorRateText: (rule: string, count: number, windowMs: number, task: string | undefined) =>
    `${count} ERROR events within ${Math.round(windowMs / 1000)}s (rule ${rule}${task === undefined ? '' : `, last of task ${task}`})`,
  summaryText: (rule: string, count: number, max: number, windowMs: number) =>
    `${count} more ${rule} alerts were not sent (rate limit: ${max} per ${Math.round(windowMs / 1000)}s)`,
  ruleFailed: (message: string) => `Alert rules failed on an event: ${message}`,
  sendFailed: (message: string) => `Alert claim or delivery failed: ${message}`,
  redisNotReady: 'Redis did not become ready in time for an alert claim',
  claimStoreDown: (where: string) =>
    `Alert claims: Redis at ${where} is unreachable; claiming in this instance's memory until it answers (another instance may then send the same alert)`,
} as const;
