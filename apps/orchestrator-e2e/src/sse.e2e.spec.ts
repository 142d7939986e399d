import { EventSource } from 'eventsource';
import { health, http, postJob, RunningApp, startApp, waitFor } from './support/app-process';
import { RawSse } from './support/sse-raw';

interface Event {
  event: string;
  event_id: string;
  task_id?: string;
  run_id?: string;
  level: string;
  [k: string]: unknown;
}

const STREAM = '/orchestrator/events/stream';

/** A real SSE client (the `eventsource` package) collecting message events. */
function follow(url: string, headers: Record<string, string> = {}) {
  const events: Event[] = [];
  const source = new EventSource(url, {
    fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...headers } }),
  });
  source.onmessage = (msg) => events.push(JSON.parse(msg.data) as Event);
  const opened = new Promise<void>((resolve) => (source.onopen = () => resolve()));
  return { source, events, opened };
}

async function history(app: RunningApp, query: string): Promise<Event[]> {
  return (await http<{ events: Event[] }>(`${app.api}/orchestrator/events?limit=1000&${query}`))
    .body.events;
}

describe('GET /api/v1/orchestrator/events/stream', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ env: { ORCH_SSE_HEARTBEAT_MS: '200' } });
  });
  afterAll(async () => {
    expect(await app.stop()).toBe(0);
  });

  it('sends status, headers and a first frame at once, even when the filter is quiet', async () => {
    const sse = await RawSse.open(`${app.api}${STREAM}?task_id=nobody`);
    expect(sse.response?.statusCode).toBe(200);
    expect(sse.response?.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(sse.response?.headers['cache-control']).toBe('no-cache, no-transform');
    expect(sse.response?.headers['x-accel-buffering']).toBe('no');
    // Not chunked: the body is the frames as they are, and ends with the connection.
    expect(sse.response?.headers['transfer-encoding']).toBeUndefined();
    expect(sse.response?.headers['connection']).toBe('close');
    await sse.until((frames) => frames.length >= 1, 1000);
    expect(sse.frames[0].retry).toMatch(/^\d+$/);
    expect(sse.frames[0].id).toBeUndefined();
    sse.close();
  });

  it('frames each event as id + data (the line), default type; heartbeats carry no id', async () => {
    const sse = await RawSse.open(`${app.api}${STREAM}?task_id=frames`);
    const job = await postJob(app, { task_id: 'frames', steps: 1, step_ms: 1 });
    await sse.until((f) => f.filter((x) => x.id).length >= 3);
    await sse.until((f) => f.some((x) => x.event === 'heartbeat'), 2000);
    sse.close();
    const stored = await history(app, `run_id=${job.body.run_id}`);
    const frames = sse.events;
    expect(frames.map((f) => f.id)).toEqual(stored.map((e) => e.event_id));
    for (const [i, frame] of frames.entries()) {
      expect(frame.event).toBeUndefined();
      expect(JSON.parse(frame.data as string)).toEqual(stored[i]);
      expect(frame.raw).toBe(`id: ${stored[i].event_id}\ndata: ${frame.data}`);
    }
    const heartbeats = sse.frames.filter((f) => f.event === 'heartbeat');
    expect(heartbeats.every((f) => f.id === undefined)).toBe(true);
  });

  it('flows event by event through the compression middleware', async () => {
    const sse = await RawSse.open(`${app.api}${STREAM}?task_id=gzip`, {
      'Accept-Encoding': 'gzip, deflate, br',
    });
    expect(sse.response?.headers['content-encoding']).toBeUndefined();
    await postJob(app, { task_id: 'gzip', steps: 3, step_ms: 400 });
    await sse.until((f) => f.some((x) => x.data?.includes('"job_started"')));
    // The job is still running: the started frame came on its own, not in a buffered batch.
    expect(sse.frames.some((x) => x.data?.includes('"job_completed"'))).toBe(false);
    await sse.until((f) => f.some((x) => x.data?.includes('"job_completed"')), 5000);
    sse.close();
  });

  it('filters by task_id, run_id, event and level (real EventSource client)', async () => {
    const byTask = follow(`${app.api}${STREAM}?task_id=filter-a`);
    const byEvent = follow(`${app.api}${STREAM}?event=job_failed,job_completed&task_id=filter-b`);
    const byLevel = follow(`${app.api}${STREAM}?level=error`);
    await Promise.all([byTask.opened, byEvent.opened, byLevel.opened]);
    const a = await postJob(app, { task_id: 'filter-a', steps: 2, step_ms: 1 });
    const b = await postJob(app, { task_id: 'filter-b', steps: 2, step_ms: 1, fail_at_step: 2 });
    await waitFor(() =>
      byTask.events.length === 4 && byLevel.events.length >= 1 ? true : undefined,
    );
    await waitFor(() => (byEvent.events.length === 1 ? true : undefined));
    const byRun = await history(app, `run_id=${a.body.run_id}`);
    expect(byTask.events).toEqual(byRun);
    expect(byEvent.events.map((e) => [e.event, e.run_id])).toEqual([['job_failed', b.body.run_id]]);
    expect(byLevel.events.every((e) => e.level === 'ERROR')).toBe(true);
    expect(byLevel.events.map((e) => e.run_id)).toContain(b.body.run_id);
    for (const c of [byTask, byEvent, byLevel]) c.source.close();
  });

  it('1,000 connect/disconnect cycles leave 0 subscriptions', async () => {
    for (let batch = 0; batch < 20; batch++) {
      const streams = await Promise.all(
        Array.from({ length: 50 }, () => RawSse.open(`${app.api}${STREAM}?task_id=cycle-${batch}`)),
      );
      await Promise.all(streams.map((s) => s.until((f) => f.length >= 1)));
      if (batch === 0) expect((await health(app)).sse_clients).toBe(50);
      streams.forEach((s) => s.close());
    }
    await waitFor(async () => ((await health(app)).sse_clients === 0 ? true : undefined));
  });
});

describe.each([
  ['the replay buffer', '10000'],
  ['the files (replay buffer too small)', '3'],
])('resume from %s', (_name, replay) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ env: { ORCH_REPLAY_BUFFER: replay } });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('with Last-Event-ID while events keep flowing: no gap, no duplicate', async () => {
    const first = follow(`${app.api}${STREAM}?task_id=resume`);
    await first.opened;
    const job = await postJob(app, { task_id: 'resume', steps: 40, step_ms: 15 });
    await waitFor(() => (first.events.length >= 10 ? true : undefined));
    first.source.close();
    const seen = first.events.slice();
    const lastId = seen[seen.length - 1].event_id;
    await new Promise((r) => setTimeout(r, 120)); // events go on while nobody listens
    const second = follow(`${app.api}${STREAM}?task_id=resume`, { 'Last-Event-ID': lastId });
    await waitFor(() =>
      second.events.some((e) => e.event === 'job_completed') ? true : undefined,
    );
    second.source.close();
    const all = [...seen, ...second.events].map((e) => e.event_id);
    const stored = (await history(app, `run_id=${job.body.run_id}`)).map((e) => e.event_id);
    expect(all).toEqual(stored);
    expect(stored).toHaveLength(42);
  });

  it('with last_event_id on a first connection; the header wins over it', async () => {
    const job = await postJob(app, { task_id: 'resume-q', steps: 6, step_ms: 1 });
    await waitFor(async () =>
      (await history(app, `run_id=${job.body.run_id}`)).length === 8 ? true : undefined,
    );
    const stored = await history(app, `run_id=${job.body.run_id}`);
    const byQuery = await RawSse.open(
      `${app.api}${STREAM}?run_id=${job.body.run_id}&last_event_id=${stored[2].event_id}`,
    );
    await byQuery.until((f) => f.filter((x) => x.id).length >= 5);
    expect(byQuery.events.map((f) => f.id)).toEqual(stored.slice(3).map((e) => e.event_id));
    byQuery.close();
    const both = await RawSse.open(
      `${app.api}${STREAM}?run_id=${job.body.run_id}&last_event_id=${stored[0].event_id}`,
      { 'Last-Event-ID': stored[5].event_id },
    );
    await both.until((f) => f.filter((x) => x.id).length >= 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(both.events.map((f) => f.id)).toEqual(stored.slice(6).map((e) => e.event_id));
    both.close();
  });
});

describe('resume from an id older than anything retained', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({
      env: { ORCH_LOG_MAX_SIZE: '2k', ORCH_LOG_MAX_FILES: '1', ORCH_REPLAY_BUFFER: '5' },
    });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('sends event: reset with the oldest retained id first, then goes on', async () => {
    const job = await postJob(app, { task_id: 'old', steps: 40, step_ms: 0 });
    const gone = await waitFor(async () => {
      const h = await history(app, `run_id=${job.body.run_id}`);
      return h.some((e) => e.event === 'job_completed') ? h : undefined;
    });
    expect(gone.length).toBeLessThan(42); // rotation dropped the oldest
    const all = await history(app, '');
    const sse = await RawSse.open(`${app.api}${STREAM}`, {
      'Last-Event-ID': '1700000000000-000000-o-glm',
    });
    await sse.until((f) => f.filter((x) => x.id).length >= all.length);
    expect(sse.frames[0].retry).toBeDefined();
    expect(sse.frames[1].event).toBe('reset');
    expect(sse.frames[1].id).toBeUndefined();
    expect(JSON.parse(sse.frames[1].data as string)).toEqual({ oldest_event_id: all[0].event_id });
    expect(sse.events.map((f) => f.id)).toEqual(all.map((e) => e.event_id));
    sse.close();
  });
});

describe('clients that stop reading', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({
      env: { ORCH_SSE_MAX_BACKLOG_BYTES: '64k', ORCH_SSE_MAX_CLIENTS_PER_IP: '200' },
    });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('are disconnected once the bytes waiting for them pass ORCH_SSE_MAX_BACKLOG_BYTES; a reader is not', async () => {
    const stalled = await RawSse.open(`${app.api}${STREAM}`);
    stalled.response?.pause(); // never read again: the socket buffers fill up
    const reader = follow(`${app.api}${STREAM}?task_id=reader`);
    await reader.opened;
    let dropped = false;
    for (let round = 0; round < 40 && !dropped; round++) {
      await Promise.all(Array.from({ length: 50 }, () => postJob(app, { steps: 100, step_ms: 0 })));
      dropped = await waitFor(
        async () => ((await health(app)).sse_clients <= 1 ? true : undefined),
        2000,
      ).catch(() => false);
    }
    expect(dropped).toBe(true);
    const after = await health(app);
    expect(after.sse_clients).toBe(1); // the one that reads is still connected
    await postJob(app, { task_id: 'reader', steps: 1, step_ms: 0 });
    await waitFor(() =>
      reader.events.some((e) => e.event === 'job_completed') ? true : undefined,
    );
    reader.source.close();
    stalled.close();
  });
});

describe('100 clients that stop reading, default backlog limit', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ env: { ORCH_SSE_MAX_CLIENTS_PER_IP: '200' } });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('during a 30,600-event burst: memory stays bounded and health keeps answering', async () => {
    const stalled = await Promise.all(
      Array.from({ length: 100 }, () => RawSse.open(`${app.api}${STREAM}`)),
    );
    for (const sse of stalled) sse.response?.pause();
    const idle = (await health(app)).memory.rss;
    let slowest = 0;
    let probes = 0;
    let probing = true;
    const prober = (async () => {
      while (probing) {
        const t0 = performance.now();
        await health(app);
        slowest = Math.max(slowest, performance.now() - t0);
        probes++;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    // 300 jobs of 100 steps: 30,600 events (started, steps, completed) as fast as the app goes.
    for (let round = 0; round < 6; round++) {
      await Promise.all(Array.from({ length: 50 }, () => postJob(app, { steps: 100, step_ms: 0 })));
    }
    await waitFor(
      async () =>
        (await health<{ jobs_running: number }>(app)).jobs_running === 0 ? true : undefined,
      60_000,
    );
    const peak = (await health(app)).memory.rss;
    probing = false;
    await prober;
    for (const sse of stalled) sse.close();
    // Generous bounds for a shared machine; the benchmark measures the real figures.
    expect(probes).toBeGreaterThan(3);
    expect(slowest).toBeLessThan(5000);
    expect(peak - idle).toBeLessThan(150 * 1024 * 1024);
  });
});
