import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { http, postJob, RunningApp, startApp, waitFor } from './support/app-process';
import { requireRedis, SHARED_REDIS_URL } from './support/redis-server';
import { RawSse } from './support/sse-raw';

/**
 * Scale-out: two app processes with different ORCH_IDs on one real Redis (the shared server on
 * 6379, a stream key of this run's own).
 */
const STREAM = '/orchestrator/events/stream';
const canRun = requireRedis('Redis scale-out e2e tests', false);

interface Event {
  event: string;
  event_id: string;
  orch_id: string;
  task_id?: string;
}

interface BusState {
  kind: string;
  connected: boolean;
  buffered: number;
  dropped: number;
}

async function bus(app: RunningApp): Promise<BusState> {
  return (await http<{ bus: BusState }>(`${app.api}/health`)).body.bus;
}

async function runningJobs(app: RunningApp): Promise<number> {
  return (await http<{ jobs_running: number }>(`${app.api}/health`)).body.jobs_running;
}

(canRun ? describe : describe.skip)('two instances sharing one Redis Stream', () => {
  const key = `orch:e2e:${randomBytes(6).toString('hex')}`;
  let redis: Redis;
  let a: RunningApp;
  let b: RunningApp;

  /** The event_ids in the stream, in stream order. */
  async function streamIds(): Promise<string[]> {
    const entries = await redis.xrange(key, '-', '+');
    return entries.map(([, fields]) => fields[fields.indexOf('id') + 1]);
  }

  beforeAll(async () => {
    redis = new Redis(SHARED_REDIS_URL, { protocol: 2 });
    const env = { REDIS_URL: SHARED_REDIS_URL, ORCH_REDIS_STREAM: key };
    [a, b] = await Promise.all([
      startApp({ env: { ...env, ORCH_ID: 'inst-a' } }),
      startApp({ env: { ...env, ORCH_ID: 'inst-b' } }),
    ]);
    await waitFor(async () => ((await bus(a)).connected && (await bus(b)).connected) || undefined);
  });
  afterAll(async () => {
    expect(await a?.stop()).toBe(0);
    expect(await b?.stop()).toBe(0);
    await redis?.del(key);
    await redis?.quit();
  });

  it('reports the Redis bus in health', async () => {
    expect(await bus(a)).toEqual({
      kind: 'redis',
      connected: true,
      stream: key,
      buffered: 0,
      dropped: 0,
      lastError: null,
    });
  });

  it('streams events logged on A to a client on B, in order; history on B has them', async () => {
    const sse = await RawSse.open(`${b.api}${STREAM}?task_id=cross`);
    await sse.until((f) => f.length >= 1);
    const job = await postJob(a, { task_id: 'cross', steps: 5, step_ms: 5 });
    expect(job.status).toBe(202);
    await sse.until((f) => f.some((x) => x.data?.includes('"job_completed"')));
    sse.close();
    const onA = (
      await http<{ events: Event[] }>(`${a.api}/orchestrator/events?run_id=${job.body.run_id}`)
    ).body.events;
    expect(onA).toHaveLength(7);
    expect(onA.every((e) => e.orch_id === 'inst-a')).toBe(true);
    expect(sse.events.map((f) => f.id)).toEqual(onA.map((e) => e.event_id));
    // B's files hold none of them: its history answers from the stream.
    const onB = (
      await http<{ events: Event[] }>(`${b.api}/orchestrator/events?run_id=${job.body.run_id}`)
    ).body.events;
    expect(onB).toEqual(onA);
  });

  it('resumes on B after the last id read on A: nothing missed, nothing repeated, while both log', async () => {
    const onA = await RawSse.open(`${a.api}${STREAM}`);
    await onA.until((f) => f.length >= 1);
    // Both instances keep logging through the switch.
    const jobs = [];
    for (let i = 0; i < 4; i++) {
      jobs.push(postJob(a, { task_id: `ra-${i}`, steps: 40, step_ms: 10 }));
      jobs.push(postJob(b, { task_id: `rb-${i}`, steps: 40, step_ms: 10 }));
    }
    await Promise.all(jobs);
    await onA.until((f) => f.filter((x) => x.id).length >= 60);
    onA.close();
    const readOnA = onA.events.map((f) => f.id as string);
    const last = readOnA[readOnA.length - 1];
    const onB = await RawSse.open(`${b.api}${STREAM}`, { 'Last-Event-ID': last });
    // And more logging on both after the resume, besides the jobs still running.
    await postJob(a, { task_id: 'after-a', steps: 5, step_ms: 5 });
    await postJob(b, { task_id: 'after-b', steps: 5, step_ms: 5 });
    await waitFor(async () => (await runningJobs(a)) + (await runningJobs(b)) === 0 || undefined);
    await waitFor(async () => (await bus(a)).buffered + (await bus(b)).buffered === 0 || undefined);
    const ids = await streamIds();
    await onB.until((f) => f.some((x) => x.id === ids[ids.length - 1]));
    onB.close();
    expect(onB.frames.some((f) => f.event === 'reset')).toBe(false);
    const readOnB = onB.events.map((f) => f.id as string);
    const both = [...readOnA, ...readOnB];
    expect(new Set(both).size).toBe(both.length); // nothing repeated
    // Nothing missed: together exactly the stream from A's first event on, in stream order.
    expect(both).toEqual(ids.slice(ids.indexOf(readOnA[0])));
    expect(readOnB.some((id) => id.endsWith('-inst-a'))).toBe(true);
    expect(readOnB.some((id) => id.endsWith('-inst-b'))).toBe(true);
  });
});
