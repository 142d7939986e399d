import { INestApplication } from '@nestjs/common';
import * as path from 'node:path';
import { serveEvents as serve, TeamGuard } from '../../testing/serve-events';
import { tempDir } from '../../testing/temp-dir';
import { SseHub } from './sse-hub.service';

describe('events controller registration (real HTTP)', () => {
  let dir: string;
  let cleanup: () => void;
  let app: INestApplication | undefined;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(async () => {
    await app?.close();
    app = undefined;
    cleanup();
  });

  const base = () => ({ logFile: path.join(dir, 'orch.log'), env: {} });

  it('applies user guards to both endpoints, after the token check', async () => {
    const served = await serve({
      ...base(),
      token: 'a-long-enough-token-123',
      guards: [TeamGuard],
    });
    app = served.app;
    const auth = { Authorization: 'Bearer a-long-enough-token-123' };
    for (const endpoint of ['/orchestrator/events', '/orchestrator/events/stream']) {
      expect((await fetch(served.url + endpoint)).status).toBe(401);
      expect((await fetch(served.url + endpoint, { headers: auth })).status).toBe(403);
    }
    const ok = await fetch(served.url + '/orchestrator/events', {
      headers: { ...auth, 'X-Team': 'ops' },
    });
    expect(ok.status).toBe(200);
    const controller = new AbortController();
    const stream = await fetch(served.url + '/orchestrator/events/stream', {
      headers: { ...auth, 'X-Team': 'ops' },
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    controller.abort();
  });

  it.each([false, true])(
    'refuses query parameters named after Object.prototype members like any unknown one (sseFastPath: %s)',
    async (sseFastPath) => {
      const served = await serve({ ...base(), sseFastPath });
      app = served.app;
      const names = ['hasOwnProperty', 'toString', 'constructor', '__proto__', 'valueOf', 'tsk_id'];
      for (const endpoint of ['/orchestrator/events', '/orchestrator/events/stream']) {
        for (const name of names) {
          const res = await fetch(`${served.url}${endpoint}?${name}=x`);
          expect({ name, status: res.status, body: await res.json() }).toEqual({
            name,
            status: 400,
            body: {
              message: [`property ${name} should not exist`],
              error: 'Bad Request',
              statusCode: 400,
            },
          });
        }
      }
      // Request data never reaches a prototype: the next valid request is answered as usual.
      const ok = await fetch(`${served.url}/orchestrator/events?task_id=t-1`);
      expect(ok.status).toBe(200);
      expect(({} as Record<string, unknown>)['x']).toBeUndefined();
    },
  );

  it('moves the endpoints with controller.path', async () => {
    const served = await serve({ ...base(), controller: { path: 'ops/events' } });
    app = served.app;
    expect((await fetch(served.url + '/ops/events')).status).toBe(200);
    expect((await fetch(served.url + '/orchestrator/events')).status).toBe(404);
  });

  it('registers no endpoint with controller: false', async () => {
    const served = await serve({ ...base(), controller: false });
    app = served.app;
    expect((await fetch(served.url + '/orchestrator/events')).status).toBe(404);
  });

  it.each([false, true])(
    'ends a stream opened while the app shuts down (sseFastPath: %s), so close() need not wait for it',
    async (sseFastPath) => {
      const served = await serve({ ...base(), sseFastPath });
      app = served.app;
      // The window between the hub ending its streams and the HTTP server closing.
      app.get(SseHub).beforeApplicationShutdown();
      const res = await fetch(served.url + '/orchestrator/events/stream');
      expect(res.status).toBe(200);
      // The body ends (instead of staying open as a live stream), after the retry frame.
      expect(await res.text()).toBe('retry: 2000\n\n');
    },
  );
});
