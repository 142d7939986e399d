import { health, http, postJob, RunningApp, startApp, waitFor } from './support/app-process';

interface Event {
  event: string;
  event_id: string;
  task_id?: string;
  run_id?: string;
  level: string;
  timestamp: string;
  [k: string]: unknown;
}
type Page = { events: Event[]; has_more: boolean };
type ErrorBody = { statusCode: number; message: string[]; error: string };

describe('GET /api/v1/orchestrator/events (real app, real HTTP)', () => {
  let app: RunningApp;
  const jobs: { task_id: string; run_id: string }[] = [];

  beforeAll(async () => {
    app = await startApp({ env: { ORCH_LOG_MAX_SIZE: '16k', ORCH_LOG_MAX_FILES: '5' } });
    for (let i = 0; i < 6; i++) {
      const res = await postJob(app, {
        steps: 4,
        step_ms: 1,
        task_id: `task-${i % 3}`,
        fail_at_step: i === 5 ? 2 : undefined,
      });
      expect(res.status).toBe(202);
      jobs.push(res.body);
    }
    // Every job has ended once its last event is in history.
    await waitFor(async () => {
      const page = (
        await http<Page>(`${app.api}/orchestrator/events?event=job_completed,job_failed`)
      ).body;
      return page.events.length === 6 ? true : undefined;
    });
  });
  afterAll(async () => {
    expect(await app.stop()).toBe(0);
  });

  const get = (query: string) => http<Page>(`${app.api}/orchestrator/events${query}`);

  it('without filters returns every event in chronological order, ids increasing', async () => {
    const { status, body } = await get('?limit=1000');
    expect(status).toBe(200);
    expect(body.has_more).toBe(false);
    // orchestrator_started + 6 jobs × (started + 4 steps + completed), the failed one shorter.
    expect(body.events).toHaveLength(1 + 5 * 6 + 3);
    body.events.forEach(
      (e, i) => i > 0 && expect(e.event_id > body.events[i - 1].event_id).toBe(true),
    );
  });

  it('filters by task_id and run_id exactly, each event as written in the file', async () => {
    const byTask = (await get('?task_id=task-1&limit=1000')).body.events;
    expect(byTask.length).toBe(12);
    expect(byTask.every((e) => e.task_id === 'task-1')).toBe(true);
    const run = jobs[5].run_id;
    const byRun = (await get(`?run_id=${run}`)).body.events;
    expect(byRun.map((e) => e.event)).toEqual(['job_started', 'job_step', 'job_failed']);
    expect(byRun[2]).toMatchObject({
      level: 'ERROR',
      status: 'failed',
      task_id: 'task-2',
      run_id: run,
    });
    const both = (await get(`?task_id=task-2&run_id=${run}`)).body.events;
    expect(both).toEqual(byRun);
    expect((await get(`?task_id=task-1&run_id=${run}`)).body.events).toEqual([]);
  });

  it('filters by event names and minimum level, case-insensitive', async () => {
    const names = (await get('?event=job_started,job_failed&limit=1000')).body.events;
    expect(names.filter((e) => e.event === 'job_started')).toHaveLength(6);
    expect(names.filter((e) => e.event === 'job_failed')).toHaveLength(1);
    expect(names).toHaveLength(7);
    const errors = (await get('?level=error')).body.events;
    expect(errors.map((e) => e.event)).toEqual(['job_failed']);
    expect((await get('?level=Warn')).body.events).toEqual(errors);
  });

  it('limits to the newest matches and pages with before / after without gap or repeat', async () => {
    const all = (await get('?event=job_step&limit=1000')).body.events;
    const newest = await get('?event=job_step&limit=5');
    expect(newest.body.events).toEqual(all.slice(-5));
    expect(newest.body.has_more).toBe(true);

    const backward: Event[] = [];
    let before = '';
    for (;;) {
      const page = (await get(`?event=job_step&limit=4${before ? `&before=${before}` : ''}`)).body;
      backward.unshift(...page.events);
      if (!page.has_more) break;
      before = page.events[0].event_id;
    }
    expect(backward).toEqual(all);

    const forward: Event[] = [];
    let after = '0000000000000-000000-x';
    for (;;) {
      const page = (await get(`?event=job_step&limit=4&after=${after}`)).body;
      forward.push(...page.events);
      if (!page.has_more) break;
      after = page.events[page.events.length - 1].event_id;
    }
    expect(forward).toEqual(all);
  });

  it('filters by time: since inclusive, until exclusive', async () => {
    const all = (await get('?limit=1000')).body.events;
    const since = all[5].timestamp;
    const until = all[12].timestamp;
    const page = (await get(`?since=${since}&until=${until}&limit=1000`)).body.events;
    expect(page).toEqual(all.filter((e) => e.timestamp >= since && e.timestamp < until));
    expect(page[0]).toEqual(all[5]);
  });

  it.each([
    ['?tsk_id=x', 'property tsk_id should not exist'],
    ['?task_id=', 'task_id must be'],
    ['?task_id=a%20b', 'task_id must be'],
    [`?task_id=${'a'.repeat(129)}`, 'task_id must be'],
    ['?task_id=a&task_id=b', 'task_id is given twice'],
    ['?limit=5&limit=5', 'limit is given twice'],
    ['?run_id=%2F..%2F', 'run_id must be'],
    ['?event=ok,bad%20name', 'event must be'],
    ['?level=LOUD', 'level must be one of'],
    ['?since=yesterday', 'since must be an ISO 8601'],
    ['?until=2026-13-45', 'until must be an ISO 8601'],
    // ISO 8601 forms that Date cannot read, and a year with no four-digit form: once 500s.
    ['?until=-9217001', 'until must be an ISO 8601'],
    ['?since=2026-W05-3', 'since must be an ISO 8601'],
    ['?since=2026-123', 'since must be an ISO 8601'],
    ['?until=20261201T101010Z', 'until must be an ISO 8601'],
    ['?after=42', 'after must be an event_id'],
    ['?before=x', 'before must be an event_id'],
    [
      '?after=1795515045123-000000-a&before=1795515045123-000001-a',
      'after and before cannot be combined',
    ],
    ['?limit=0', 'limit must be an integer from 1 to 1000'],
    ['?limit=1001', 'limit must be an integer from 1 to 1000'],
    ['?limit=ten', 'limit must be an integer from 1 to 1000'],
    ['?limit=1.5', 'limit must be an integer from 1 to 1000'],
    // Number() reads each of these as a number: once all 200.
    ['?limit=1e2', 'limit must be an integer from 1 to 1000'],
    ['?limit=0x10', 'limit must be an integer from 1 to 1000'],
    ['?limit=%2B5', 'limit must be an integer from 1 to 1000'],
    ['?limit=05', 'limit must be an integer from 1 to 1000'],
    ['?limit=%2010', 'limit must be an integer from 1 to 1000'],
    ['?limit=10%20', 'limit must be an integer from 1 to 1000'],
    // No offset: local time to the server, so a different instant on every machine.
    ['?since=2026-12-05T23:00:00', 'since must be an ISO 8601 date-time with an offset'],
    ['?until=2026-12-05T23:00', 'until must be an ISO 8601 date-time with an offset'],
  ])('%s is a 400 naming the parameter', async (query, message) => {
    const { status, body } = await http<ErrorBody>(`${app.api}/orchestrator/events${query}`);
    expect(status).toBe(400);
    expect(body.error).toBe('Bad Request');
    expect(body.message.join(' ')).toContain(message);
  });

  it.each(['0000-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '0099-12-31T23:59:59.999999Z'])(
    'since=%s (a year 0000-0099, as the README promises) is a 200 with every event',
    async (since) => {
      const all = (await get('?limit=1000')).body.events;
      const { status, body } = await get(`?since=${since}&limit=1000`);
      expect(status).toBe(200);
      expect(body.events).toEqual(all);
      expect((await get(`?until=${since}`)).body.events).toEqual([]);
    },
  );

  it.each([
    ['?tsk_id=x', 'property tsk_id should not exist'],
    ['?task_id=a&task_id=b', 'task_id is given twice'],
    ['?level=LOUD', 'level must be one of'],
    ['?last_event_id=1', 'last_event_id must be an event_id'],
    ['?limit=5', 'property limit should not exist'],
  ])('stream%s is a 400 JSON before any stream starts', async (query, message) => {
    const { status, body, headers } = await http<ErrorBody>(
      `${app.api}/orchestrator/events/stream${query}`,
    );
    expect(status).toBe(400);
    expect(headers.get('content-type')).toContain('application/json');
    expect(body.message.join(' ')).toContain(message);
  });

  it('a malformed Last-Event-ID header is a 400 too', async () => {
    const { status, body } = await http<ErrorBody>(`${app.api}/orchestrator/events/stream`, {
      headers: { 'Last-Event-ID': '17' },
    });
    expect(status).toBe(400);
    expect(body.message.join(' ')).toContain('Last-Event-ID must be an event_id');
    expect((await health(app)).sse_clients).toBe(0);
  });
});

describe('POST /api/v1/jobs and GET /api/v1/health', () => {
  let app: RunningApp;
  beforeAll(async () => (app = await startApp()));
  afterAll(async () => {
    await app.stop();
  });

  it('answers 202 with generated ids at once, and the job runs in the background', async () => {
    const started = Date.now();
    const res = await postJob(app, { steps: 2, step_ms: 300 });
    expect(Date.now() - started).toBeLessThan(250 + 2 * 300);
    expect(res.status).toBe(202);
    expect(res.body.task_id).toMatch(/^task-/);
    expect(res.body.run_id).toMatch(/^run-/);
    const again = await postJob(app, { task_id: res.body.task_id });
    expect(again.body.task_id).toBe(res.body.task_id);
    expect(again.body.run_id).not.toBe(res.body.run_id);
  });

  it.each([
    [{ steps: 0 }, 'steps must be an integer from 1 to 100'],
    [{ steps: 101 }, 'steps must be'],
    [{ steps: '3' }, 'steps must be'],
    [{ step_ms: -1 }, 'step_ms must be an integer from 0 to 10000'],
    [{ step_ms: 10001 }, 'step_ms must be'],
    [{ steps: 3, fail_at_step: 4 }, 'fail_at_step must be an integer from 1 to steps'],
    [{ fail_at_step: 0 }, 'fail_at_step must be'],
    [{ task_id: 'has space' }, 'task_id must be'],
    [{ color: 'red' }, 'property color should not exist'],
  ])('%j is a 400 naming the field', async (body, message) => {
    const res = await postJob(app, body);
    expect(res.status).toBe(400);
    expect((res.body as unknown as ErrorBody).message.join(' ')).toContain(message);
  });

  it('refuses a body that is not JSON', async () => {
    const res = await http(`${app.api}/jobs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"steps": 3',
    });
    expect(res.status).toBe(400);
  });

  it('reports ok, open streams and the event file state', async () => {
    const res = await http<Record<string, unknown>>(`${app.api}/health`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', sse_clients: 0, orch_id: 'o-glm' });
  });

  it('without ORCH_EVENTS_TOKEN, needs no token: full health, jobs start, any Authorization ignored', async () => {
    const res = await http<Record<string, unknown>>(`${app.api}/health`, {
      headers: { Authorization: 'Bearer whatever-0123456789' },
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(
      expect.arrayContaining(['status', 'orch_id', 'sse_clients', 'events', 'memory', 'open_fds']),
    );
    const job = await http(`${app.api}/jobs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer whatever-0123456789' },
      body: JSON.stringify({ steps: 1, step_ms: 1 }),
    });
    expect(job.status).toBe(202);
  });

  it('refuses a body nested deeper than 64 levels with a 400, before validation', async () => {
    const res = await postJob(app, { steps: JSON.parse('['.repeat(64) + ']'.repeat(64)) });
    expect(res.status).toBe(400);
    expect((res.body as unknown as ErrorBody).message.join(' ')).toContain(
      'at most 64 levels deep',
    );
  });

  it('serves the dashboard and the OpenAPI docs', async () => {
    const page = await fetch(`${app.origin}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Orchestrator events');
    const docs = await http<{ paths: Record<string, unknown> }>(`${app.origin}/api/docs-json`);
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/orchestrator/events',
        '/api/v1/orchestrator/events/stream',
        '/api/v1/jobs',
      ]),
    );
  });
});
