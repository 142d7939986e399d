import { FastifyAdapter } from '@nestjs/platform-fastify';
import { OrchestratorEventsStatus } from '@orchestrator/events';
import { InProcessApp, startInProcessApp } from './support/in-process-app';
import { RawSse } from './support/sse-raw';

/**
 * The module in an app on `@nestjs/platform-fastify` instead of Express: both endpoints, resume,
 * auth and the stream caps, through Nest's pipeline and through the fast path.
 */
const TOKEN = 'fastify-test-token-0123456789';

describe.each([
  ['through Nest', false],
  ['through the fast path', true],
])('the module under Fastify, streams %s', (_how, sseFastPath) => {
  let app: InProcessApp;
  let base: string;
  const open: RawSse[] = [];
  beforeAll(async () => {
    app = await startInProcessApp(
      { sseFastPath, token: TOKEN, sseMaxClientsPerIp: 3 },
      'api/v1',
      new FastifyAdapter(),
    );
    base = `${app.origin}/api/v1/orchestrator/events`;
  });
  afterEach(() => {
    for (const sse of open.splice(0)) sse.close();
  });
  afterAll(() => app.close());

  const auth = { Authorization: `Bearer ${TOKEN}` };
  const stream = async (query = '', headers: Record<string, string> = {}) => {
    const sse = await RawSse.open(`${base}/stream${query}`, { ...auth, ...headers });
    open.push(sse);
    return sse;
  };

  it('serves history with filters, and refuses bad parameters with a 400 naming them', async () => {
    app.events.info('fx_step', { task_id: 'fx-1', step: 1 });
    app.events.info('fx_step', { task_id: 'fx-2', step: 1 });
    const res = await fetch(`${base}?task_id=fx-1`, { headers: auth });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { events: { task_id: string }[] };
    expect(page.events.map((e) => e.task_id)).toEqual(['fx-1']);
    const bad = await fetch(`${base}?limit=0&tsk_id=x`, { headers: auth });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string[] }).message).toEqual([
      'property tsk_id should not exist',
      'limit must be an integer from 1 to 1000 in decimal digits, without sign or leading zero',
    ]);
  });

  it('asks for the token on both endpoints, as a header or a query parameter', async () => {
    expect((await fetch(base)).status).toBe(401);
    expect((await fetch(`${base}?access_token=${TOKEN}`)).status).toBe(200);
    const refused = await RawSse.open(`${base}/stream`);
    open.push(refused);
    expect(refused.response?.statusCode).toBe(401);
    const viaQuery = await RawSse.open(`${base}/stream?access_token=${TOKEN}`);
    open.push(viaQuery);
    expect(viaQuery.response?.statusCode).toBe(200);
  });

  it('streams live events, and resumes after Last-Event-ID with exactly the missed ones', async () => {
    const live = await stream('?task_id=fx-live');
    expect(live.response?.headers['content-type']).toMatch(/^text\/event-stream/);
    const first = app.events.info('fx_live', { task_id: 'fx-live', n: 1 }) as string;
    await live.until(() => live.events.length === 1);
    expect(live.events[0].id).toBe(first);
    live.close();
    const missed = [2, 3, 4].map((n) => app.events.info('fx_live', { task_id: 'fx-live', n }));
    await app.events.flush();
    const resumed = await stream('?task_id=fx-live', { 'Last-Event-ID': first });
    await resumed.until(() => resumed.events.length === 3);
    const after = app.events.info('fx_live', { task_id: 'fx-live', n: 5 });
    await resumed.until(() => resumed.events.length === 4);
    expect(resumed.events.map((f) => f.id)).toEqual([...missed, after]);
  });

  it('refuses streams past the per-address cap with 429 and Retry-After', async () => {
    await Promise.all([stream(), stream(), stream()]);
    const refused = await stream();
    expect(refused.response?.statusCode).toBe(429);
    expect(refused.response?.headers['retry-after']).toBe('5');
  });

  it('says in its status whether the fast path serves the streams', () => {
    const { fastPath } = app.app.get(OrchestratorEventsStatus).snapshot().streams;
    expect(fastPath.active).toBe(sseFastPath);
    if (sseFastPath) expect(fastPath.served).toBeGreaterThan(0);
  });
});
