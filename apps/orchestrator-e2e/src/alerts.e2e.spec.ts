import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer, IncomingHttpHeaders } from 'node:http';
import { AddressInfo } from 'node:net';
import { http, postJob, RunningApp, startApp, waitFor } from './support/app-process';

const SECRET = 'e2e-alert-secret-7c1d';

/** A real webhook receiver on 127.0.0.1 and a free port. */
async function receiver() {
  const requests: { headers: IncomingHttpHeaders; raw: string; json: Record<string, unknown> }[] =
    [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      requests.push({ headers: req.headers, raw, json: JSON.parse(raw) });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('alerts in the demo app (ORCH_ALERT_*)', () => {
  let app: RunningApp | undefined;
  afterEach(async () => {
    if (app) expect(await app.stop()).toBe(0);
    app = undefined;
  });

  it('a failing job: one signed run_failed POST; a slow step: one run_stuck; the secret shown nowhere', async () => {
    const hook = await receiver();
    try {
      app = await startApp({
        env: {
          ORCH_ALERT_WEBHOOK_URL: hook.url,
          ORCH_ALERT_SECRET: SECRET,
          ORCH_ALERT_STUCK_AFTER: '1s',
        },
      });
      const failed = await postJob(app, { steps: 3, step_ms: 1, fail_at_step: 2 });
      const slow = await postJob(app, { steps: 2, step_ms: 4000 });
      await waitFor(() => (hook.requests.length >= 2 ? true : undefined), 20_000);
      const byAlert = new Map(hook.requests.map((r) => [r.json['alert'], r]));
      const fail = byAlert.get('run_failed');
      expect(fail?.json).toMatchObject({
        run_id: failed.body.run_id,
        status: 'failed',
        failure: 'step 2 of 3 failed',
      });
      expect(fail?.headers['x-orchestrator-signature']).toBe(
        `sha256=${createHmac('sha256', SECRET)
          .update(fail?.raw ?? '')
          .digest('hex')}`,
      );
      expect(byAlert.get('run_stuck')?.json).toMatchObject({
        run_id: slow.body.run_id,
        status: 'running',
      });
      // The slow job ends; nothing more is sent for either run.
      await waitFor(async () => {
        const page = await http<{ events: { event: string }[] }>(
          `${app?.api}/orchestrator/events?run_id=${slow.body.run_id}&event=job_completed`,
        );
        return page.body.events.length === 1 ? true : undefined;
      }, 20_000);
      expect(hook.requests).toHaveLength(2);
      const health = await http(`${app.api}/health`);
      expect(JSON.stringify(health.body)).not.toContain(SECRET);
      expect(fs.readFileSync(app.logFile, 'utf8')).not.toContain(SECRET);
      expect(app.output()).not.toContain(SECRET);
    } finally {
      await hook.close();
    }
  });

  /** Why the app refused to start on `env`, or 'started' (the app is then stopped after the test). */
  const refusal = (env: Record<string, string>): Promise<string> =>
    startApp({ env }).then(
      (started) => {
        app = started;
        return 'started';
      },
      (error: Error) => error.message,
    );

  it('bad ORCH_ALERT_* values stop the start, naming each variable and what is allowed, never the secret', async () => {
    const refused = await refusal({
      ORCH_ALERT_WEBHOOK_URL: 'hooks.example.com/x',
      ORCH_ALERT_STUCK_AFTER: 'ten minutes',
    });
    expect(refused).toContain('app exited with 1 before listening');
    expect(refused).toContain(
      'Invalid ORCH_ALERT_WEBHOOK_URL="hooks.example.com/x": expected an absolute http:// or https:// URL',
    );
    expect(refused).toContain(
      'Invalid ORCH_ALERT_SECRET="": required when ORCH_ALERT_WEBHOOK_URL is set',
    );
    expect(refused).toContain('Invalid ORCH_ALERT_STUCK_AFTER="ten minutes": expected a duration');
    const withSecret = await refusal({
      ORCH_ALERT_WEBHOOK_URL: 'ftp://x',
      ORCH_ALERT_SECRET: SECRET,
    });
    expect(withSecret).toContain('Invalid ORCH_ALERT_WEBHOOK_URL="ftp://x"');
    expect(withSecret).not.toContain(SECRET);
  });
});
