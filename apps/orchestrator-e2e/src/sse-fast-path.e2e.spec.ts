import { health, http, postJob, RunningApp, startApp, waitFor } from './support/app-process';
import { RawSse } from './support/sse-raw';
import { statusOf } from './support/status-of';

const TOKEN = 'fast-path-token-0123456789';
const STREAM = '/orchestrator/events/stream';

interface FastPathState {
  enabled: boolean;
  active: boolean;
  served: number;
}

const fastPath = async (app: RunningApp) =>
  (await health<{ sse_fast_path: FastPathState }>(app)).sse_fast_path;

/** Status, the headers a client relies on, and the body of an error (streams are closed at once). */
async function answer(app: RunningApp, query: string, headers: Record<string, string> = {}) {
  const res = await statusOf(`${app.api}${STREAM}${query}`, { headers });
  if (res.status === 200) {
    res.close();
    return {
      status: 200,
      type: res.headers['content-type'],
      cache: res.headers['cache-control'],
      body: '',
    };
  }
  return {
    status: res.status,
    type: res.headers['content-type'],
    retryAfter: res.headers['retry-after'],
    body: JSON.parse(await res.body) as unknown,
  };
}

/**
 * Requests whose answers must not depend on the path that serves them: valid ones (200) and every
 * kind of refusal. The fast path serves the valid ones and hands the rest to Nest.
 */
const CASES: { name: string; query: string; headers?: Record<string, string> }[] = [
  { name: 'no filter', query: '' },
  { name: 'every filter', query: '?task_id=t-1&run_id=r.1&event=a,b&event=c&level=warn' },
  { name: 'event names with spaces around commas', query: '?event=a%2C%20b' },
  { name: 'search and extras', query: '?task_id=t-1&q=quota%20exceeded&extras.region=eu' },
  { name: 'bad extras key', query: '?extras.event_id=x' },
  { name: 'empty q', query: '?q=' },
  { name: 'resume id in the query', query: '?last_event_id=0000000000001-000000-x' },
  {
    name: 'resume id in the header',
    query: '',
    headers: { 'Last-Event-ID': '0000000000001-000000-x' },
  },
  { name: 'unknown parameter', query: '?task=1' },
  { name: 'bad task_id', query: '?task_id=a%20b' },
  { name: 'repeated task_id', query: '?task_id=a&task_id=b' },
  { name: 'empty event', query: '?event=' },
  { name: 'bad level', query: '?level=loud' },
  { name: 'bad last_event_id', query: '?last_event_id=42' },
  { name: 'bad Last-Event-ID header', query: '', headers: { 'Last-Event-ID': 'nope' } },
  { name: 'query string too long', query: `?task_id=${'x'.repeat(5000)}` },
  { name: 'prototype key', query: '?__proto__=1' },
];

describe('sseFastPath: valid streams served ahead of Express, the same answers as the controller', () => {
  let fast: RunningApp;
  let slow: RunningApp;
  beforeAll(async () => {
    [fast, slow] = await Promise.all([
      startApp(),
      startApp({ env: { ORCH_SSE_FAST_PATH: 'false' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([fast?.stop(), slow?.stop()]);
  });

  it('serves valid streams itself, ahead of Express, from the first one', async () => {
    expect(await fastPath(fast)).toEqual({ enabled: true, active: true, served: 0 });
    const stream = await statusOf(`${fast.api}${STREAM}?task_id=first`);
    expect(stream.status).toBe(200);
    // Express's header is missing: Express never saw the request.
    expect(stream.headers['x-powered-by']).toBeUndefined();
    stream.close();
    expect((await fastPath(fast)).served).toBe(1);
    // Anything else still goes through Express.
    const other = await statusOf(`${fast.api}${STREAM}?task=typo`);
    expect(other.status).toBe(400);
    expect(other.headers['x-powered-by']).toBe('Express');
    expect((await fastPath(fast)).served).toBe(1);
  });

  it('stays off with ORCH_SSE_FAST_PATH=false', async () => {
    const stream = await statusOf(`${slow.api}${STREAM}`);
    expect(stream.headers['x-powered-by']).toBe('Express');
    stream.close();
    expect(await fastPath(slow)).toEqual({ enabled: false, active: false, served: 0 });
  });

  it.each(CASES)('answers "$name" as the controller does', async ({ query, headers }) => {
    const [a, b] = await Promise.all([answer(fast, query, headers), answer(slow, query, headers)]);
    expect(a).toEqual(b);
  });

  it('delivers the same frames as the controller: filtered, in order, resumable', async () => {
    const before = (await fastPath(fast)).served;
    const viaFast = await RawSse.open(`${fast.api}${STREAM}?task_id=same&event=job_step`);
    expect((await fastPath(fast)).served).toBe(before + 1);
    const job = await postJob(fast, { task_id: 'same', steps: 4, step_ms: 1 });
    await viaFast.until((f) => f.filter((x) => x.id).length >= 4);
    const stored = (
      await http<{ events: { event_id: string; event: string }[] }>(
        `${fast.api}/orchestrator/events?run_id=${job.body.run_id}&event=job_step`,
      )
    ).body.events;
    expect(stored).toHaveLength(4);
    expect(viaFast.events.map((f) => f.id)).toEqual(stored.map((e) => e.event_id));
    viaFast.close();

    // Resume after the second step through the fast path: exactly the last two, once each.
    const resumed = await RawSse.open(`${fast.api}${STREAM}?task_id=same&event=job_step`, {
      'Last-Event-ID': stored[1].event_id,
    });
    await resumed.until((f) => f.filter((x) => x.id).length >= 2);
    await new Promise((r) => setTimeout(r, 200));
    expect(resumed.events.map((f) => f.id)).toEqual(stored.slice(2).map((e) => e.event_id));
    resumed.close();
    expect((await fastPath(fast)).served).toBe(before + 2);
  });
});

describe('sseFastPath with a token and stream limits', () => {
  let fast: RunningApp;
  let slow: RunningApp;
  const env = { ORCH_EVENTS_TOKEN: TOKEN, ORCH_SSE_MAX_CLIENTS_PER_IP: '2' };
  beforeAll(async () => {
    [fast, slow] = await Promise.all([
      startApp({ env }),
      startApp({ env: { ...env, ORCH_SSE_FAST_PATH: 'false' } }),
    ]);
    // The first stream of each app goes through the controller and shows the fast path its route.
    for (const app of [fast, slow])
      (await statusOf(`${app.api}${STREAM}?access_token=${TOKEN}`)).close();
    await waitFor(async () => ((await health(fast)).sse_clients === 0 ? true : undefined));
  });
  afterAll(async () => {
    await Promise.all([fast?.stop(), slow?.stop()]);
  });

  it.each([
    ['no token', ''],
    ['a wrong token', '?access_token=wrong'],
    ['the token twice', `?access_token=${TOKEN}&access_token=${TOKEN}`],
  ])('refuses a stream with %s as the controller does', async (_name, query) => {
    const [a, b] = await Promise.all([answer(fast, query), answer(slow, query)]);
    // The token check runs before validation: a repeated token is no token.
    expect(a.status).toBe(401);
    expect(a).toEqual(b);
  });

  it('serves the token as a header or a parameter', async () => {
    const before = (await fastPath(fast)).served;
    expect((await answer(fast, '', { Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await answer(fast, `?access_token=${TOKEN}`)).status).toBe(200);
    expect((await fastPath(fast)).served).toBe(before + 2);
  });

  it('answers 429 with Retry-After past the per-address limit, as the controller does', async () => {
    await waitFor(async () => ((await health(fast)).sse_clients === 0 ? true : undefined));
    const held = await Promise.all(
      [fast, fast, slow, slow].map((app) => statusOf(`${app.api}${STREAM}?access_token=${TOKEN}`)),
    );
    expect(held.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const [a, b] = await Promise.all([
      answer(fast, `?access_token=${TOKEN}`),
      answer(slow, `?access_token=${TOKEN}`),
    ]);
    expect(a.status).toBe(429);
    expect(a.retryAfter).toBe('5');
    expect(a).toEqual(b);
    for (const r of held) r.close();
  });
});
