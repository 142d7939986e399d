import * as fs from 'node:fs';
import * as path from 'node:path';
import { http, postJob, RunningApp, startApp, waitFor } from './support/app-process';
import { RawSse } from './support/sse-raw';
import { statusOf } from './support/status-of';

const TOKEN = 'e2e-token-0123456789abcdef';
const EVENTS = '/orchestrator/events';
const STREAM = '/orchestrator/events/stream';

describe('auth with ORCH_EVENTS_TOKEN', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ env: { ORCH_EVENTS_TOKEN: TOKEN } });
  });
  afterAll(async () => {
    await app.stop();
  });

  it.each([EVENTS, STREAM])(
    '%s answers 401 JSON without the token or with a wrong one',
    async (endpoint) => {
      const variants: Record<string, string>[] = [
        {},
        { Authorization: 'Bearer wrong-token-0123456789' },
        { Authorization: TOKEN },
      ];
      for (const headers of variants) {
        const res = await http<{ statusCode: number; message: string[] }>(app.api + endpoint, {
          headers,
        });
        expect(res.status).toBe(401);
        expect(res.body.statusCode).toBe(401);
        expect(JSON.stringify(res.body)).not.toContain(TOKEN);
      }
      const wrongQuery = await http(`${app.api}${endpoint}?access_token=nope`);
      expect(wrongQuery.status).toBe(401);
    },
  );

  it('accepts the Bearer header and the access_token parameter (for EventSource)', async () => {
    const byHeader = await http(`${app.api}${EVENTS}`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(byHeader.status).toBe(200);
    const byQuery = await http(`${app.api}${EVENTS}?access_token=${TOKEN}`);
    expect(byQuery.status).toBe(200);
    const sse = await RawSse.open(`${app.api}${STREAM}?task_id=secure&access_token=${TOKEN}`);
    expect(sse.response?.statusCode).toBe(200);
    await postJob(app, { task_id: 'secure', steps: 1, step_ms: 1 });
    await sse.until((f) => f.some((x) => x.data?.includes('job_completed')));
    sse.close();
  });

  it('never writes the token to an event line or the app output', async () => {
    await http(`${app.api}${EVENTS}?access_token=${TOKEN}&level=bogus`);
    await http(`${app.api}${EVENTS}?access_token=${TOKEN}x`);
    const files = fs
      .readdirSync(app.dir)
      .map((f) => fs.readFileSync(path.join(app.dir, f), 'utf8'));
    expect(files.join('\n')).not.toContain(TOKEN);
    expect(app.output()).not.toContain(TOKEN);
  });
});

describe('limits', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ env: { ORCH_SSE_MAX_CLIENTS: '5', ORCH_SSE_MAX_CLIENTS_PER_IP: '3' } });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('refuses streams past the per-IP and the total limit with 429 JSON and Retry-After', async () => {
    const open = await Promise.all([1, 2, 3].map(() => RawSse.open(`${app.api}${STREAM}`)));
    const perIp = await statusOf(`${app.api}${STREAM}`);
    expect(perIp.status).toBe(429);
    expect(perIp.headers['retry-after']).toMatch(/^\d+$/);
    expect(JSON.parse(await perIp.body).message.join(' ')).toContain('from this address');
    // Another loopback address is another client: two more fit under the total of 5.
    const fromOther = [];
    for (let i = 0; i < 2; i++) {
      const res = await statusOf(`${app.api}${STREAM}`, { localAddress: '127.0.0.2' });
      expect(res.status).toBe(200);
      fromOther.push(res);
    }
    const total = await statusOf(`${app.api}${STREAM}`, { localAddress: '127.0.0.3' });
    expect(total.status).toBe(429);
    expect(JSON.parse(await total.body).message.join(' ')).toContain('too many open streams');
    open.forEach((s) => s.close());
    fromOther.forEach((res) => res.close());
  });

  it.each([EVENTS, STREAM])('%s answers 414 to a query string over 4 KiB', async (endpoint) => {
    const res = await http<{ statusCode: number }>(
      `${app.api}${endpoint}?task_id=${'a'.repeat(4200)}`,
    );
    expect(res.status).toBe(414);
    expect(res.body.statusCode).toBe(414);
  });

  it('is back to 0 streams once clients leave', async () => {
    await waitFor(async () =>
      (await http<{ sse_clients: number }>(`${app.api}/health`)).body.sse_clients === 0
        ? true
        : undefined,
    );
  });
});
