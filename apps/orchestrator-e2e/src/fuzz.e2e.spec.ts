import fc from 'fast-check';
import { http, RunningApp, startApp } from './support/app-process';

/** What the event endpoints may answer to anything a client sends; a 5xx is never one of them. */
const ALLOWED = new Set([200, 400, 401, 414, 429]);
const NAMES = [
  'task_id',
  'run_id',
  'event',
  'level',
  'since',
  'until',
  'after',
  'before',
  'limit',
  'last_event_id',
  'access_token',
  'q',
  'extras.region',
  'extras.',
  'extras.__proto__',
  'extras.event_id',
  'bucket',
  'status',
];
const JUNK = [
  '',
  '%',
  '%ZZ',
  '%00',
  '%2F..%2F',
  '[]',
  'a[b]=c',
  '=&=',
  '&&',
  '__proto__',
  'constructor',
];

/** Percent-encodes what the HTTP client would refuse, including lone surrogates. */
function encode(text: string): string {
  return encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
}

const key = fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 12 }).map(encode));
const value = fc.oneof(
  fc.string({ maxLength: 40 }).map(encode),
  fc.string({ unit: 'binary', maxLength: 20 }).map(encode),
  fc.constantFrom(...JUNK),
  fc.integer().map(String),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('1795515045123-000000-o-glm', 'DEBUG', 'warn', 'job_started,job_failed', '1000'),
  // ISO 8601 that Date cannot read, or a year beyond four digits: since/until once answered 500.
  fc.constantFrom(
    '2026-W05-3',
    '2026-123',
    '20261201T101010Z',
    '%2B275760-09-13T00:00:00Z',
    '-9217001',
  ),
);
const query = fc
  .array(fc.tuple(key, value), { maxLength: 6 })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
const headerValue = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom('Bearer', 'Bearer ', 'Basic abc', '1795515045123-000000-o-glm', '17'),
);
const headers = fc.record(
  {
    'Last-Event-ID': headerValue,
    Authorization: headerValue,
    Accept: headerValue,
    'Accept-Encoding': fc.constantFrom('gzip', 'br', 'identity', '*', 'x'),
  },
  { requiredKeys: [] },
);

/** Requests one URL; stream bodies are not read: the connection is dropped after the headers. */
async function statusOf(url: string, init: RequestInit = {}): Promise<number> {
  const controller = new AbortController();
  const res = await fetch(url, { ...init, signal: controller.signal });
  controller.abort();
  return res.status;
}

describe('fuzzing the endpoints (fast-check, real HTTP)', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ env: { ORCH_SSE_MAX_CLIENTS_PER_IP: '1000' } });
  });
  afterAll(async () => {
    await app.stop('SIGKILL');
  });

  /** `numRuns` random query strings and headers on `endpoint`: each answered with an allowed status; the app stays healthy. */
  async function fuzz(endpoint: string, numRuns: number): Promise<void> {
    await fc.assert(
      fc.asyncProperty(query, headers, async (q, h) => {
        const status = await statusOf(`${app.api}${endpoint}?${q}`, { headers: h });
        if (!ALLOWED.has(status)) throw new Error(`${status} for ?${q} ${JSON.stringify(h)}`);
      }),
      { numRuns },
    );
    const health = await http<{ status: string }>(`${app.api}/health`);
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
  }

  it.each(['/orchestrator/events', '/orchestrator/events/stream'])(
    '%s: 5,000 random and malformed query strings and headers get 200, 400, 401, 414 or 429',
    (endpoint) => fuzz(endpoint, 5000),
  );

  it.each(['/orchestrator/runs', '/orchestrator/events/counts'])(
    '%s: 1,000 random and malformed query strings get 200, 400, 401 or 414',
    (endpoint) => fuzz(endpoint, 1000),
  );

  it('POST /api/v1/jobs: 2,000 random bodies get 202 or 400', async () => {
    const body = fc.oneof(
      fc.json({ maxDepth: 3 }),
      fc.string({ maxLength: 80 }),
      fc
        .record(
          {
            steps: fc.oneof(fc.integer({ min: -5, max: 120 }), fc.string(), fc.double()),
            step_ms: fc.oneof(fc.integer({ min: -5, max: 20 }), fc.constant(null)),
            fail_at_step: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.boolean()),
            task_id: fc.oneof(fc.string({ maxLength: 20 }), fc.integer()),
            extra: fc.anything({ maxDepth: 2 }),
          },
          { requiredKeys: [] },
        )
        .map((o) => JSON.stringify(o)),
    );
    const contentType = fc.constantFrom(
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
    );
    await fc.assert(
      fc.asyncProperty(body, contentType, async (text, type) => {
        const status = await statusOf(`${app.api}/jobs`, {
          method: 'POST',
          headers: { 'Content-Type': type },
          body: text,
        });
        if (status !== 202 && status !== 400) throw new Error(`${status} for ${type} ${text}`);
      }),
      { numRuns: 2000 },
    );
    expect((await http(`${app.api}/health`)).status).toBe(200);
  });
});
