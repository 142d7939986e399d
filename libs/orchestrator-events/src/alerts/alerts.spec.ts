import { Test, TestingModule } from '@nestjs/testing';
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { until } from '../testing/require-redis';
import { readEvents, tempDir } from '../testing/temp-dir';
import { ReceivedRequest, startReceiver } from '../testing/webhook-receiver';
import { EventLogger } from '../lib/write/event-logger.service';
import { OrchestratorEventsModule } from '../lib/orchestrator-events.module';
import { OrchestratorEventsAlertsOptions } from './alerts.options';
import { OrchestratorEventsAlertsModule } from './orchestrator-events-alerts.module';

const SECRET = 'test-secret-4f2a';

/** What a receiver does: the HMAC of the raw body, compared in constant time. */
function verified(request: ReceivedRequest, secret = SECRET): boolean {
  const expected = `sha256=${createHmac('sha256', secret).update(request.raw).digest('hex')}`;
  const given = String(request.headers['x-orchestrator-signature'] ?? '');
  return (
    given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected))
  );
}

describe('OrchestratorEventsAlertsModule (webhook on a real local receiver)', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let dir: string;
  let cleanup: () => void;
  const modules: TestingModule[] = [];

  async function start(
    alerts: Partial<OrchestratorEventsAlertsOptions>,
    statuses: number[] = [],
    reuseDir = false,
  ) {
    if (!reuseDir) {
      receiver = await startReceiver(statuses);
      ({ dir, cleanup } = tempDir('orch-alerts-'));
    }
    const module = await Test.createTestingModule({
      imports: [
        OrchestratorEventsModule.forRoot({
          logFile: path.join(dir, 'orch.log'),
          env: {},
          controller: false,
        }),
        OrchestratorEventsAlertsModule.forRoot({
          ...alerts,
          webhook: { url: receiver.url, secret: SECRET, retryDelay: '20ms', ...alerts.webhook },
        }),
      ],
    }).compile();
    await module.init();
    modules.push(module);
    return module.get(EventLogger);
  }

  afterEach(async () => {
    for (const module of modules.splice(0)) await module.close();
    await receiver.close();
    cleanup();
  });

  const fail = (events: EventLogger, task: string, run: string) =>
    events
      .track('job', { task_id: task, run_id: run }, async () => {
        throw new Error('disk full');
      })
      .catch(() => undefined);

  async function logged(events: EventLogger, name: string) {
    await events.flush();
    return readEvents(path.join(dir, 'orch.log')).filter((e) => e['event'] === name);
  }

  it('a failing run gives exactly one signed POST with the documented payload', async () => {
    const events = await start({ rules: [{ alert: 'run_failed', task_id: 'render-*' }] });
    await fail(events, 'import-1', 'r0'); // narrowed out by the task pattern
    await fail(events, 'render-1', 'r1');
    // The run fails again (a retry under the same run id): still one alert for it.
    events.info('job_started', { task_id: 'render-1', run_id: 'r1', status: 'running' });
    events.error('job_failed', { task_id: 'render-1', run_id: 'r1', status: 'failed' });
    await until(async () => (await logged(events, 'alert_sent')).length === 1);
    // A later run's alert arrives after anything the first could still have produced.
    await fail(events, 'render-2', 'r2');
    await until(() => receiver.requests.length >= 2);
    const [first, second] = receiver.requests;
    expect(receiver.requests.map((r) => r.json['run_id'])).toEqual(['r1', 'r2']);
    expect(verified(first)).toBe(true);
    expect(verified(first, 'another-secret')).toBe(false);
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.headers['x-orchestrator-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.headers['x-orchestrator-delivery']).not.toBe(
      first.headers['x-orchestrator-delivery'],
    );
    expect(Object.keys(first.json).sort()).toEqual(
      [
        'alert',
        'task_id',
        'run_id',
        'status',
        'failure',
        'first_event_id',
        'last_event_id',
        'at',
        'text',
      ].sort(),
    );
    expect(first.json).toMatchObject({
      alert: 'run_failed',
      task_id: 'render-1',
      run_id: 'r1',
      status: 'failed',
      failure: 'disk full',
      text: 'Run r1 of task render-1 failed: disk full',
    });
    const [sent] = await logged(events, 'alert_sent');
    expect(sent).toMatchObject({
      alert: 'run_failed',
      rule: 'run_failed',
      http_status: 200,
      attempt: 1,
    });
    expect(sent).toMatchObject({ task_id: 'render-1', alert_run_id: 'r1' });
    expect(sent).not.toHaveProperty('run_id');
    expect(JSON.stringify(readEvents(path.join(dir, 'orch.log')))).not.toContain(SECRET);
  });

  it('503 twice then 200: delivered once, two alert_failed before the alert_sent', async () => {
    const events = await start({}, [503, 503]);
    await fail(events, 't', 'r1');
    await until(async () => (await logged(events, 'alert_sent')).length === 1);
    const attempts = readEvents(path.join(dir, 'orch.log')).filter((e) =>
      String(e['event']).startsWith('alert_'),
    );
    expect(attempts.map((e) => [e['event'], e['http_status'], e['attempt']])).toEqual([
      ['alert_failed', 503, 1],
      ['alert_failed', 503, 2],
      ['alert_sent', 200, 3],
    ]);
    // Retries of one alert keep its delivery id, so a receiver can drop a repeat.
    expect(new Set(receiver.requests.map((r) => r.headers['x-orchestrator-delivery'])).size).toBe(
      1,
    );
    expect(receiver.requests).toHaveLength(3);
    // alert_failed events are ERROR-free WARNINGs and never an alert themselves.
    expect(receiver.requests.every((r) => r.json['run_id'] === 'r1')).toBe(true);
  });

  it('a 4xx is not retried: given up at once and logged', async () => {
    const events = await start({}, [400]);
    await fail(events, 't', 'r1');
    const [failed] = await until(async () => {
      const found = await logged(events, 'alert_failed');
      return found.length > 0 && found;
    });
    expect(failed).toMatchObject({ level: 'ERROR', http_status: 400, gave_up: true, attempt: 1 });
    expect(receiver.requests).toHaveLength(1);
  });

  it('network errors are retried until retryFor, then given up; alert events never alert', async () => {
    const events = await start({
      // Fires on every ERROR event: the give-up (an ERROR alert_failed) would fire it too if it counted.
      rules: [{ alert: 'error_rate', threshold: 1, window: '1m' }],
      webhook: {
        url: 'http://127.0.0.1:1/closed',
        secret: SECRET,
        retryDelay: '10ms',
        retryFor: '1s',
      },
    });
    const gaveUp = async () => (await logged(events, 'alert_failed')).filter((e) => e['gave_up']);
    events.error('something', {});
    await until(async () => (await gaveUp()).length === 1);
    // A second ERROR after the give-up: its alert comes after any the give-up could have fired.
    events.error('marker', {});
    await until(async () => (await gaveUp()).length === 2);
    const failed = await logged(events, 'alert_failed');
    expect(new Set(failed.map((e) => e['delivery_id'])).size).toBe(2);
    expect(failed.length).toBeGreaterThan(2); // retried before giving up
    expect(failed.every((e) => typeof e['error'] === 'string' && e['error'] !== '')).toBe(true);
    expect(failed.filter((e) => !e['gave_up']).every((e) => e['level'] === 'WARNING')).toBe(true);
    expect(await logged(events, 'alert_sent')).toHaveLength(0);
  });

  it('a running run silent for stuckAfter gives one run_stuck', async () => {
    const events = await start({ rules: [{ alert: 'run_stuck', stuckAfter: '300ms' }] });
    let release: () => void = () => undefined;
    const slow = events.track(
      'job',
      { task_id: 'slow', run_id: 's1' },
      () => new Promise<void>((r) => (release = r)),
    );
    events.info('job_started', { task_id: 'quick', run_id: 'q1', status: 'running' });
    events.info('job_completed', { task_id: 'quick', run_id: 'q1', status: 'success' });
    await until(() => receiver.requests.length === 1);
    // Stays one while the run stays silent.
    await sleep(900);
    release();
    await slow;
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0].json).toMatchObject({
      alert: 'run_stuck',
      task_id: 'slow',
      run_id: 's1',
      status: 'running',
    });
    expect(String(receiver.requests[0].json['text'])).toMatch(
      /^Run s1 of task slow is stuck: no event for \d+s$/,
    );
  });

  it('error_rate fires at N ERROR events in the window, then counts again from zero', async () => {
    const events = await start({
      rules: [{ alert: 'error_rate', threshold: 3, window: '1m', task_id: 'db' }],
    });
    for (let i = 0; i < 2; i++) events.error('query_failed', { task_id: 'db' });
    events.error('query_failed', { task_id: 'other' });
    const third = events.error('query_failed', { task_id: 'db' });
    for (let i = 0; i < 2; i++) events.error('query_failed', { task_id: 'db' });
    await until(() => receiver.requests.length === 1);
    await fail(events, 'db', 'marker'); // job_failed of task db: the 6th ERROR, a second alert
    await until(() => receiver.requests.length === 2);
    expect(receiver.requests[0].json).toMatchObject({
      alert: 'error_rate',
      task_id: 'db',
      last_event_id: third,
    });
  });

  it('a flood is bounded: max alerts per window, then one summary with the count', async () => {
    const events = await start({ rateLimit: { max: 2, window: '3s' } });
    // 50 runs failing in one turn: all claimed and counted well within the window.
    for (let i = 0; i < 50; i++) {
      events.error('job_failed', { task_id: 'flood', run_id: `f${i}`, status: 'failed' });
    }
    await until(() => receiver.requests.length === 3);
    // The two alerts are sent at once (either may arrive first); the summary when the window ends.
    const summary = receiver.requests.find((r) => r.json['run_id'] === null);
    const alerts = receiver.requests.filter((r) => r.json['run_id'] !== null);
    expect(alerts.map((r) => r.json['run_id']).sort()).toEqual(['f0', 'f1']);
    expect(summary?.json).toMatchObject({
      alert: 'run_failed',
      run_id: null,
      text: '48 more run_failed alerts were not sent (rate limit: 2 per 3s)',
    });
    expect(summary && verified(summary)).toBe(true);
  });

  it('a claims store of your own decides what is sent', async () => {
    const asked: string[] = [];
    const events = await start({
      claims: {
        claim: async (key) => (asked.push(key), key !== 'run_failed:taken'),
        close: async () => undefined,
      },
    });
    await fail(events, 't', 'taken');
    await fail(events, 't', 'free');
    await until(() => receiver.requests.length === 1);
    expect(asked).toEqual(['run_failed:taken', 'run_failed:free']);
    expect(receiver.requests[0].json['run_id']).toBe('free');
  });

  it('a restart re-sends nothing for runs that failed before it', async () => {
    let events = await start({});
    await fail(events, 't', 'before');
    await until(() => receiver.requests.length === 1);
    await modules.pop()?.close();
    events = await start({}, [], true);
    await fail(events, 't', 'after');
    await until(() => receiver.requests.length >= 2);
    await sleep(100);
    expect(receiver.requests.map((r) => r.json['run_id'])).toEqual(['before', 'after']);
  });
});
