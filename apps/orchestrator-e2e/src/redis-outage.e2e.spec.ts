import * as fs from 'node:fs';
import Redis from 'ioredis';
import { http, postJob, RunningApp, startApp, waitFor } from './support/app-process';
import { OwnRedis, ownRedis, requireRedis } from './support/redis-server';
import { RawSse } from './support/sse-raw';

/**
 * Redis outage: the test runs its own redis-server (no persistence) so it can kill and restart it
 * without touching the shared one. Two app processes use it.
 */
const STREAM = '/orchestrator/events/stream';
const KEY = 'orch:outage';
const canRun = requireRedis('Redis outage e2e tests', true);

interface Event {
  event: string;
  event_id: string;
  task_id?: string;
}

interface BusState {
  kind: string;
  connected: boolean;
  buffered: number;
  dropped: number;
  lastError: string | null;
}

async function bus(app: RunningApp): Promise<BusState> {
  return (await http<{ bus: BusState }>(`${app.api}/health`)).body.bus;
}

/** Event ids of `task` in an app's own file, in file order. */
function fileIds(app: RunningApp, task: string): string[] {
  return fs
    .readFileSync(app.logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes(`"task_id":"${task}"`))
    .map((line) => (JSON.parse(line) as Event).event_id);
}

(canRun ? describe : describe.skip)('Redis down and back', () => {
  let server: OwnRedis;
  let a: RunningApp;
  let b: RunningApp;
  let late: RunningApp | undefined;

  beforeAll(async () => {
    server = await ownRedis();
    const env = { REDIS_URL: server.url, ORCH_REDIS_STREAM: KEY };
    [a, b] = await Promise.all([
      startApp({ env: { ...env, ORCH_ID: 'out-a' } }),
      startApp({ env: { ...env, ORCH_ID: 'out-b' } }),
    ]);
    await waitFor(async () => ((await bus(a)).connected && (await bus(b)).connected) || undefined);
  });
  afterAll(async () => {
    expect(await a?.stop()).toBe(0);
    expect(await b?.stop()).toBe(0);
    if (late) expect(await late.stop()).toBe(0);
    await server?.kill();
  });

  it('keeps logging and local streams through the outage, then catches the stream and the other instance up', async () => {
    const onA = await RawSse.open(`${a.api}${STREAM}?task_id=during`);
    const onB = await RawSse.open(`${b.api}${STREAM}?task_id=during`);
    await Promise.all([onA.until((f) => f.length >= 1), onB.until((f) => f.length >= 1)]);

    await server.kill();
    await waitFor(
      async () => (!(await bus(a)).connected && !(await bus(b)).connected) || undefined,
    );

    // An instance starting now starts anyway, with a warning, and reports the bus down.
    late = await startApp({
      env: { REDIS_URL: server.url, ORCH_REDIS_STREAM: KEY, ORCH_ID: 'out-late' },
    });
    const started = late;
    await waitFor(
      () =>
        /Redis at redis:\/\/127\.0\.0\.1:\d+\/? is not reachable/.test(started.output()) ||
        undefined,
    );
    expect((await bus(late)).connected).toBe(false);

    const job = await postJob(a, { task_id: 'during', steps: 10, step_ms: 5 });
    expect(job.status).toBe(202);
    // A's own client keeps receiving A's events while Redis is down.
    await onA.until((f) => f.some((x) => x.data?.includes('"job_completed"')));
    // Every event is in the file (written within an event-loop turn of the SSE frame).
    const logged = await waitFor(() => {
      const ids = fileIds(a, 'during');
      return ids.length >= 12 ? ids : undefined;
    });
    expect(logged).toHaveLength(12);
    expect(onA.events.map((f) => f.id)).toEqual(logged);
    const down = await bus(a);
    expect(down.connected).toBe(false);
    expect(down.buffered).toBeGreaterThanOrEqual(12);
    expect(down.lastError).not.toBeNull();
    // B cannot have them yet.
    expect(onB.events).toHaveLength(0);

    await server.start();
    // The other instance gets the missed events, once each and in A's order.
    await onB.until((f) => f.some((x) => x.data?.includes('"job_completed"')), 20_000);
    expect(onB.events.map((f) => f.id)).toEqual(logged);
    // The stream caught up with everything buffered (it restarted empty: no persistence).
    await waitFor(
      async () => ((await bus(a)).connected && (await bus(a)).buffered === 0) || undefined,
      20_000,
    );
    const redis = new Redis(server.url, { protocol: 2 });
    try {
      const entries = await redis.xrange(KEY, '-', '+');
      const inStream = entries.map(([, fields]) => fields[fields.indexOf('id') + 1]);
      expect(inStream.filter((id) => logged.includes(id))).toEqual(logged);
    } finally {
      redis.disconnect();
    }
    expect((await bus(a)).dropped).toBe(0);
    // Health no longer shows the outage's error once the bus is connected again (issue 21, item 9).
    expect((await bus(a)).lastError).toBeNull();
    // The instance that started during the outage connected by itself.
    await waitFor(async () => (late && (await bus(late)).connected) || undefined, 20_000);
    // Still no duplicate on A: its outage events came back from the stream without a second delivery.
    await postJob(a, { task_id: 'during', steps: 1, step_ms: 1 });
    await onA.until((f) => f.filter((x) => x.data?.includes('"job_completed"')).length >= 2);
    const idsOnA = onA.events.map((f) => f.id);
    expect(new Set(idsOnA).size).toBe(idsOnA.length);
    const inFile = await waitFor(() => {
      const ids = fileIds(a, 'during');
      return ids.length >= idsOnA.length ? ids : undefined;
    });
    expect(idsOnA).toEqual(inFile);
    onA.close();
    onB.close();
  });
});
