import * as fs from 'node:fs';
import { connect } from 'node:net';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { http, RunningApp, startApp, waitFor } from './support/app-process';
import { RawSse } from './support/sse-raw';
import { statusOf } from './support/status-of';

const TOKEN = 'e2e-token-0123456789abcdef';
const EVENTS = '/orchestrator/events';
const STREAM = '/orchestrator/events/stream';
type ErrorBody = { statusCode: number; message: string[]; error: string };

/** POST /jobs, with `Authorization: Bearer <token>` when a token is given. */
function postJobAs(app: RunningApp, job: Record<string, unknown>, token?: string, query = '') {
  return http<{ task_id: string; run_id: string }>(`${app.api}/jobs${query}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(job),
  });
}

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
    const job = await postJobAs(app, { task_id: 'secure', steps: 1, step_ms: 1 }, TOKEN);
    expect(job.status).toBe(202);
    await sse.until((f) => f.some((x) => x.data?.includes('job_completed')));
    sse.close();
  });

  it('POST /jobs needs the token as a Bearer header: 401 JSON without it, 202 with it', async () => {
    const refusals = [
      { token: undefined },
      { token: 'wrong-token-0123456789' },
      // The query parameter is for EventSource only: a POST sends the header.
      { token: undefined, query: `?access_token=${TOKEN}` },
    ];
    for (const { token, query } of refusals) {
      const res = await postJobAs(app, { steps: 1, step_ms: 1 }, token, query);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      expect(JSON.stringify(res.body)).toContain('Authorization: Bearer <token>');
      expect(JSON.stringify(res.body)).not.toContain(TOKEN);
    }
    // A refused request starts nothing: no job_started for this task.
    await postJobAs(app, { task_id: 'refused', steps: 1, step_ms: 1 });
    const ok = await postJobAs(app, { task_id: 'allowed', steps: 1, step_ms: 1 }, TOKEN);
    expect(ok.status).toBe(202);
    expect(ok.body).toMatchObject({ task_id: 'allowed' });
    const started = await http<{ events: { task_id?: string }[] }>(
      `${app.api}${EVENTS}?event=job_started&limit=1000`,
      { headers: { Authorization: `Bearer ${TOKEN}` } },
    );
    const tasks = started.body.events.map((e) => e.task_id);
    expect(tasks).toContain('allowed');
    expect(tasks).not.toContain('refused');
  });

  it('GET /health shows only {status:"ok"} without the token, everything with it', async () => {
    const anonymous = await http<Record<string, unknown>>(`${app.api}/health`);
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toEqual({ status: 'ok' });
    const full = await http<Record<string, unknown>>(`${app.api}/health`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(full.status).toBe(200);
    expect(full.body).toMatchObject({ status: 'ok', sse_clients: expect.any(Number) });
    expect(Object.keys(full.body)).toEqual(
      expect.arrayContaining(['orch_id', 'jobs_running', 'events', 'bus', 'memory', 'open_fds']),
    );
    // A wrong token is refused rather than quietly answered as anonymous.
    const wrong = await http<{ statusCode: number }>(`${app.api}/health`, {
      headers: { Authorization: 'Bearer wrong-token-0123456789' },
    });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain(TOKEN);
    // The query parameter does not open the details either.
    const byQuery = await http(`${app.api}/health?access_token=${TOKEN}`);
    expect(byQuery.body).toEqual({ status: 'ok' });
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

describe('request bodies', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    http<ErrorBody>(`${app.api}/jobs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
  const arrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  const objects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

  it.each([
    ['arrays 2,000 deep (4 KB)', arrays(2000)],
    ['objects 5,000 deep (30 KB)', objects(5000)],
    ['a field 65 deep', `{"steps":${arrays(64)}}`],
    ['arrays 2,000 deep, gzipped', gzipSync(arrays(2000))],
  ])('%s is a 400 naming the depth limit', async (_name, body) => {
    const headers: Record<string, string> =
      typeof body === 'string' ? {} : { 'Content-Encoding': 'gzip' };
    const res = await post(body, headers);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(res.body.message.join(' ')).toContain('at most 64 levels deep');
  });

  it('lets 64 levels through to validation, and does not count brackets inside strings', async () => {
    const deepest = await post(`{"steps":${arrays(63)}}`);
    expect(deepest.status).toBe(400);
    expect(deepest.body.message.join(' ')).toContain('steps must be an integer');
    const quoted = await post(JSON.stringify({ task_id: `${'['.repeat(3000)}"{` }));
    expect(quoted.status).toBe(400);
    expect(quoted.body.message.join(' ')).toContain('task_id must be');
    const started = await post(JSON.stringify({ steps: 1, step_ms: 1 }));
    expect(started.status).toBe(202);
  });

  it.each(['null', '[]', '[{"steps":1}]', '"steps"', '5', 'true'])(
    'a JSON body that is not an object (%s) is a 400 saying the body must be a JSON object',
    async (body) => {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        statusCode: 400,
        message: ['body must be a JSON object'],
        error: 'Bad Request',
      });
    },
  );

  it('starts a job with the defaults when the POST has no body at all', async () => {
    // No Content-Length and no Transfer-Encoding: a request without a body, as `curl -X POST` sends.
    const bare = await rawRequest(
      app.port,
      'POST /api/v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    );
    expect(bare.status).toBe(202);
    expect(JSON.parse(bare.body)).toEqual({
      task_id: expect.stringMatching(/^task-/),
      run_id: expect.stringMatching(/^run-/),
    });
    const typed = await rawRequest(
      app.port,
      'POST /api/v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n',
    );
    expect(typed.status).toBe(202);
    const empty = await http(`${app.api}/jobs`, {
      method: 'POST',
      headers: { 'Content-Length': '0' },
    });
    expect(empty.status).toBe(202);
  });

  it('does not take a body it cannot read for an empty one', async () => {
    const res = await post('{"steps":1}', { 'Content-Type': 'text/plain' });
    expect(res.status).toBe(400);
    expect(res.body.message).toEqual(['body must be a JSON object']);
  });

  it('answers a 10 MiB body with a 413 JSON naming the limit', async () => {
    const res = await post(Buffer.alloc(10 * 1024 * 1024, 0x20));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({
      statusCode: 413,
      message: ['request body must be at most 102400 bytes'],
      error: 'Payload Too Large',
    });
  });

  it('answers malformed JSON and a non-UTF-8 charset with a 4xx JSON', async () => {
    const bad = await post('{"steps": 3');
    expect(bad.status).toBe(400);
    expect(bad.body.statusCode).toBe(400);
    const utf16 = await post(Buffer.from('{"steps":3}', 'utf16le'), {
      'Content-Type': 'application/json; charset=utf-16le',
    });
    expect(utf16.status).toBe(415);
    expect(utf16.body.message.join(' ')).toContain('UTF-8');
  });

  it('logs none of these refusals as an error, and never a stack trace', async () => {
    // The app is still up and answers.
    expect((await http(`${app.api}/health`)).status).toBe(200);
    const output = app.output();
    expect(output).not.toMatch(/ERROR/);
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).not.toMatch(/RangeError|PayloadTooLarge|call stack/);
  });
});

/** Sends `head` as it is on a new connection and resolves the response's status and body. */
function rawRequest(port: number, head: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(head));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [headers = '', ...rest] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1] ?? 0);
      const chunked = /^transfer-encoding: chunked/im.test(headers);
      resolve({ status, body: chunked ? unchunk(rest.join('\r\n\r\n')) : rest.join('\r\n\r\n') });
    });
  });
}

/** The payload of a chunked HTTP/1.1 body. */
function unchunk(body: string): string {
  let out = '';
  for (let rest = body; ;) {
    const eol = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, eol), 16);
    if (!(size > 0)) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

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
