import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { http, RunningApp, startApp, waitFor } from './support/app-process';
import { requireRedis } from './support/redis-server';

/**
 * The demo app's integrations, black-box: `GET /metrics` (Prometheus text, every metric under
 * `orchestrator_events_`), the Terminus readiness check, and the demo's BullMQ queue whose jobs,
 * added here by a producer of our own, are worked on and recorded by the app.
 */
const canRun = requireRedis('BullMQ demo e2e tests', false);
// A queue of this run's own (`DEMO_QUEUE`): every demo app that other test files start meanwhile
// works on `orchestrator-demo` in the same Redis, and would take (and log) some of these jobs.
const QUEUE = `orchestrator-demo-e2e-${randomBytes(4).toString('hex')}`;
const TOKEN = 'e2e-integrations-token-0123456789';

interface Event {
  event: string;
  task_id?: string;
  run_id?: string;
  status?: string;
  [field: string]: unknown;
}

/** Sample lines of the Prometheus text format: `name{labels} value`, comments left out. */
function samples(text: string): { name: string; labels: string; value: number }[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a Prometheus sample: ${line}`);
      return { name: match[1], labels: match[2] ?? '', value: Number(match[3]) };
    });
}

(canRun ? describe : describe.skip)('demo app integrations: metrics, readiness, BullMQ', () => {
  let app: RunningApp;
  let producer: Queue;

  beforeAll(async () => {
    app = await startApp({ env: { DEMO_QUEUE: QUEUE } });
    producer = new Queue(QUEUE, { connection: { host: '127.0.0.1', port: 6379 } });
  });
  afterAll(async () => {
    expect(await app?.stop()).toBe(0);
    // The queue's keys, and the capture's cursor next to them, go with the run.
    await producer?.close();
    const redis = new Redis(6379, '127.0.0.1');
    try {
      const keys = await redis.keys(`bull:${QUEUE}:*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  });

  it('serves GET /metrics in the Prometheus text format, every metric under orchestrator_events_', async () => {
    const res = await fetch(`${app.origin}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain.*version=0\.0\.4/);
    const text = await res.text();
    const ours = samples(text).filter((s) => s.name.startsWith('orchestrator_events_'));
    expect(
      ours.find(
        (s) => s.name === 'orchestrator_events_logged_total' && s.labels === '{level="INFO"}',
      )?.value,
    ).toBeGreaterThanOrEqual(1); // orchestrator_started
    const types = [...text.matchAll(/^# TYPE (orchestrator_events_\S+) (\w+)$/gm)];
    expect(types.length).toBeGreaterThanOrEqual(13);
    for (const [, name, type] of types) expect(name.endsWith('_total')).toBe(type === 'counter');
  });

  it('answers the Terminus readiness check', async () => {
    const res = await http<{ status: string; info: Record<string, { status: string }> }>(
      `${app.api}/health/ready`,
    );
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.info['orchestrator_events'].status).toBe('up');
  });

  it('works on and records jobs any producer adds to its queue (DEMO_QUEUE)', async () => {
    const taskId = `e2e-${randomBytes(4).toString('hex')}`;
    const job = await producer.add('render', { task_id: taskId, steps: 2, step_ms: 10 });
    const url = `${app.api}/orchestrator/events?task_id=${taskId}`;
    const events = await waitFor(async () => {
      const page = (await http<{ events: Event[] }>(url)).body.events;
      return page.some((e) => e.event === 'job_completed') ? page : undefined;
    });
    // The transitions as the app read them from the queue's event stream; the processor's own
    // job_step events are logged as it runs, so a quick step may come before job_started.
    const transitions = events.filter((e) => e.event !== 'job_step');
    expect(transitions.map((e) => e.event)).toEqual([
      'job_queued',
      'job_started',
      'job_progress',
      'job_progress',
      'job_completed',
    ]);
    expect(events.filter((e) => e.event === 'job_step')).toHaveLength(2);
    const runId = `${QUEUE}:${job.id}:1`;
    // Every event but job_queued (before any attempt) has the attempt's run_id, whatever the order
    // (a job_step may be logged before the capture reads job_queued from the stream).
    const ofAttempt = events.filter((e) => e.event !== 'job_queued');
    expect(ofAttempt.map((e) => [e.event, e.run_id]).filter(([, id]) => id !== runId)).toEqual([]);
    expect(transitions[4]).toMatchObject({
      status: 'success',
      queue: QUEUE,
      result: { steps_done: 2 },
    });
    expect(transitions[3]).toMatchObject({ progress: 100 });
    await job.remove().catch(() => undefined);
  });
});

(canRun ? describe : describe.skip)('demo app integrations with ORCH_EVENTS_TOKEN', () => {
  let app: RunningApp;
  beforeAll(async () => (app = await startApp({ env: { ORCH_EVENTS_TOKEN: TOKEN } })));
  afterAll(async () => expect(await app?.stop()).toBe(0));

  it('GET /metrics needs the token; readiness shows only its status without it', async () => {
    expect((await fetch(`${app.origin}/metrics`)).status).toBe(401);
    const withToken = await fetch(`${app.origin}/metrics`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(withToken.status).toBe(200);
    expect(await withToken.text()).toContain('orchestrator_events_written_total');
    expect((await http(`${app.api}/health/ready`)).body).toEqual({ status: 'ok' });
    const full = await http<{ details: object }>(`${app.api}/health/ready`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(full.body.details).toHaveProperty('orchestrator_events');
  });
});
