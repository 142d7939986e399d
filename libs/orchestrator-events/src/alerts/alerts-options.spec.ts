import { OrchestratorEventsConfigError } from '../lib/shared/orchestrator-events.errors';
import { alertsOptionsFromEnv } from './alerts-env';
import { AlertRule } from './alerts.options';
import { parseDuration } from './duration';
import { resolveAlertsOptions } from './resolve-alerts-options';
import { compilePattern } from './value-pattern';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(OrchestratorEventsConfigError);
    return [...(err as OrchestratorEventsConfigError).problems];
  }
  throw new Error('expected a configuration error');
}

describe('alerts options', () => {
  it('reads durations as ms, or digits and a unit', () => {
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration(250)).toBe(250);
    for (const bad of ['10', 'ten minutes', '-1s', '', '1w', -5, NaN]) {
      expect(parseDuration(bad)).toBeUndefined();
    }
  });

  it('narrows by exact value or * pattern', () => {
    expect(compilePattern('render-*')('render-12')).toBe(true);
    expect(compilePattern('render-*')('import-1')).toBe(false);
    expect(compilePattern('*.x')('a.x')).toBe(true);
    expect(compilePattern('*.x')('aax')).toBe(false);
    expect(compilePattern('t1')('t1')).toBe(true);
    expect(compilePattern('t1')(undefined)).toBe(false);
    expect(compilePattern(undefined)(undefined)).toBe(true);
  });

  it('reports every bad option at once, never the secret', () => {
    const problems = problemsOf(() =>
      resolveAlertsOptions({
        webhook: { url: 'ftp://x', secret: '' },
        rules: [
          { alert: 'run_stuck', stuckAfter: 'soon' },
          { alert: 'error_rate', threshold: 0, window: '1m' },
          { alert: 'nope' } as unknown as AlertRule,
          { alert: 'run_failed', task_id: '' },
        ],
      }),
    );
    expect(problems).toEqual([
      expect.stringContaining('option alerts.webhook.url="ftp://x"'),
      expect.stringContaining('option alerts.webhook.secret="<hidden>"'),
      expect.stringContaining('option alerts.rules[0].stuckAfter="soon": expected a duration'),
      expect.stringContaining('option alerts.rules[1].threshold=0: expected an integer from 1'),
      expect.stringContaining('option alerts.rules[2].alert="nope"'),
      expect.stringContaining('option alerts.rules[3].task_id=""'),
    ]);
    const secret = 'top-secret-value';
    const error = problemsOf(() =>
      resolveAlertsOptions({
        webhook: { url: 'nope', secret },
        rules: [{ alert: 'run_failed' }, { alert: 'run_failed' }],
      }),
    );
    expect(error.join('\n')).not.toContain(secret);
    expect(error[1]).toContain(
      'option alerts.rules[1].name="run_failed": expected a non-empty string, unique',
    );
  });

  it('defaults: run_failed, 10 alerts per minute, 10s timeout, 5m of retries', () => {
    const resolved = resolveAlertsOptions({ webhook: { url: 'https://h.example/x', secret: 's' } });
    expect(resolved.rules.map((r) => r.kind)).toEqual(['run_failed']);
    expect(resolved.rateLimit).toEqual({ max: 10, windowMs: 60_000 });
    expect(resolved.webhook).toMatchObject({
      timeoutMs: 10_000,
      retryDelayMs: 1000,
      retryForMs: 300_000,
    });
  });

  describe('from the environment', () => {
    it('no URL: no alerts', () => {
      expect(alertsOptionsFromEnv({})).toBeUndefined();
      expect(alertsOptionsFromEnv({ ORCH_ALERT_SECRET: 'x' })).toBeUndefined();
    });

    it('a URL and a secret: run_failed; a stuck-after adds run_stuck', () => {
      const env = { ORCH_ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/h', ORCH_ALERT_SECRET: 'k' };
      expect(alertsOptionsFromEnv(env)?.rules).toEqual([{ alert: 'run_failed' }]);
      expect(alertsOptionsFromEnv({ ...env, ORCH_ALERT_STUCK_AFTER: '10m' })?.rules).toEqual([
        { alert: 'run_failed' },
        { alert: 'run_stuck', stuckAfter: 600_000 },
      ]);
    });

    it('a bad URL, a missing secret and a bad duration: one error naming each variable', () => {
      const problems = problemsOf(() =>
        alertsOptionsFromEnv({
          ORCH_ALERT_WEBHOOK_URL: 'not a url',
          ORCH_ALERT_STUCK_AFTER: '10 minutes',
        }),
      );
      expect(problems).toEqual([
        'Invalid ORCH_ALERT_WEBHOOK_URL="not a url": expected an absolute http:// or https:// URL',
        expect.stringMatching(
          /^Invalid ORCH_ALERT_SECRET="": required when ORCH_ALERT_WEBHOOK_URL is set/,
        ),
        expect.stringMatching(/^Invalid ORCH_ALERT_STUCK_AFTER="10 minutes": expected a duration/),
      ]);
    });
  });
});
