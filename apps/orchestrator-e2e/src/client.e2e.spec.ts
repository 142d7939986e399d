import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import {
  OrchestratorEvent,
  OrchestratorEventsBadRequestError,
  OrchestratorEventsClient,
  OrchestratorEventsHttpError,
  OrchestratorEventsNetworkError,
  OrchestratorEventsQueryError,
  OrchestratorEventsUnauthorizedError,
  StreamOpen,
  StreamReset,
  StreamRetry,
} from '@orchestrator/events-client';
import {
  freePort,
  health,
  http,
  postJob,
  RunningApp,
  startApp,
  waitFor,
} from './support/app-process';
import { useDemoWithClient } from './support/demo-client';

/** Every event of the history for a query string, one request (fewer than 1000 here). */
async function history(app: RunningApp, query: string): Promise<OrchestratorEvent[]> {
  const res = await http<{ events: OrchestratorEvent[] }>(
    `${app.api}/orchestrator/events?limit=1000&${query}`,
  );
  return res.body.events;
}

const ids = (events: OrchestratorEvent[]) => events.map((e) => e.event_id);

/** Collects a stream in the background until `done` says so (or the stream ends / throws). */
function collect(
  events: AsyncIterable<OrchestratorEvent>,
  done: (received: OrchestratorEvent[]) => boolean,
) {
  const received: OrchestratorEvent[] = [];
  const finished = (async () => {
    for await (const event of events) {
      received.push(event);
      if (done(received) || received.length > 10_000) break;
    }
  })();
  return { received, finished };
}

function opened() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, onOpen: () => resolve() };
}

describe('OrchestratorEventsClient against the demo app', () => {
  const demo = useDemoWithClient();

  it("stream() yields a job's events in order, the same as the history", async () => {
    const open = opened();
    const { received, finished } = collect(
      demo.client.stream({ task_id: 'client-order' }, { onOpen: open.onOpen }),
      (r) => r.some((e) => e.event === 'job_completed'),
    );
    await open.promise;
    const job = await postJob(demo.app, { task_id: 'client-order', steps: 4, step_ms: 5 });
    await finished;
    expect(received.map((e) => e.event)).toEqual([
      'job_started',
      'job_step',
      'job_step',
      'job_step',
      'job_step',
      'job_completed',
    ]);
    expect(received.every((e) => e.run_id === job.body.run_id)).toBe(true);
    expect(received).toEqual(await history(demo.app, `run_id=${job.body.run_id}`));
  });

  it('stream() applies the shared filter type (event names, level)', async () => {
    const open = opened();
    const { received, finished } = collect(
      demo.client.stream(
        { task_id: 'client-filter', event: ['job_failed'], level: 'ERROR' },
        { onOpen: open.onOpen },
      ),
      (r) => r.length >= 1,
    );
    await open.promise;
    await postJob(demo.app, { task_id: 'client-filter', steps: 3, step_ms: 5, fail_at_step: 2 });
    await finished;
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ event: 'job_failed', level: 'ERROR', status: 'failed' });
  });

  it('an abort ends the loop without an error and frees the connection', async () => {
    const stop = new AbortController();
    const open = opened();
    const { received, finished } = collect(
      demo.client.stream({ task_id: 'client-abort' }, { signal: stop.signal, onOpen: open.onOpen }),
      () => false,
    );
    await open.promise;
    await waitFor(async () => ((await health(demo.app)).sse_clients >= 1 ? true : undefined));
    stop.abort();
    await expect(finished).resolves.toBeUndefined();
    expect(received).toEqual([]);
    await waitFor(async () => ((await health(demo.app)).sse_clients === 0 ? true : undefined));
  });

  it('a break ends the loop and frees the connection', async () => {
    const open = opened();
    const { received, finished } = collect(
      demo.client.stream({ task_id: 'client-break' }, { onOpen: open.onOpen }),
      (r) => r.length === 1,
    );
    await open.promise;
    await postJob(demo.app, { task_id: 'client-break', steps: 5, step_ms: 5 });
    await finished;
    expect(received.map((e) => e.event)).toEqual(['job_started']);
    await waitFor(async () => ((await health(demo.app)).sse_clients === 0 ? true : undefined));
  });

  it('lastEventId replays what came after it', async () => {
    const job = await postJob(demo.app, { task_id: 'client-resume', steps: 2, step_ms: 1 });
    const stored = await waitFor(async () => {
      const events = await history(demo.app, `run_id=${job.body.run_id}`);
      return events.some((e) => e.event === 'job_completed') ? events : undefined;
    });
    const { received, finished } = collect(
      demo.client.stream({ run_id: job.body.run_id }, { lastEventId: stored[0].event_id }),
      (r) => r.length === stored.length - 1,
    );
    await finished;
    expect(ids(received)).toEqual(ids(stored.slice(1)));
  });

  it('queryAll() pages across more than one page, oldest first, with after cursors', async () => {
    const job = await postJob(demo.app, { task_id: 'client-pages', steps: 25, step_ms: 0 });
    const stored = await waitFor(async () => {
      const events = await history(demo.app, `run_id=${job.body.run_id}`);
      return events.some((e) => e.event === 'job_completed') ? events : undefined;
    });
    expect(stored).toHaveLength(27);
    const urls: string[] = [];
    const counting = new OrchestratorEventsClient({
      baseUrl: demo.app.origin,
      fetch: (input, init) => {
        urls.push(String(input));
        return fetch(input, init);
      },
    });
    const all: OrchestratorEvent[] = [];
    for await (const event of counting.queryAll({ run_id: job.body.run_id }, { pageSize: 10 })) {
      all.push(event);
    }
    expect(all).toEqual(stored);
    expect(urls).toHaveLength(3);
    expect(new URL(urls[1]).searchParams.get('after')).toBe(stored[9].event_id);
    expect(new URL(urls[2]).searchParams.get('after')).toBe(stored[19].event_id);
  });

  it('query() returns one page; a bad filter is a typed 400 with the server message', async () => {
    const job = await postJob(demo.app, { task_id: 'client-page', steps: 3, step_ms: 0 });
    await waitFor(async () =>
      (await history(demo.app, `run_id=${job.body.run_id}`)).length === 5 ? true : undefined,
    );
    const page = await demo.client.query({ run_id: job.body.run_id, limit: 2 });
    expect(page.has_more).toBe(true);
    expect(page.events.map((e) => e.event)).toEqual(['job_step', 'job_completed']);

    const error = await demo.client.query({ task_id: 'not valid!' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrchestratorEventsBadRequestError);
    expect((error as OrchestratorEventsBadRequestError).status).toBe(400);
    expect((error as OrchestratorEventsBadRequestError).messages).toEqual([
      'task_id must be 1-128 characters of [A-Za-z0-9._:-]',
    ]);

    // The years 0000-0099 reach the server and are read as written.
    const ancient = await demo.client.query({
      run_id: job.body.run_id,
      since: '0001-01-01T00:00:00Z',
    });
    expect(ancient.events).toHaveLength(5);
    // What the server would refuse, the client refuses first, naming the parameter.
    for (const [query, parameter] of [
      [{ since: '2026-12-05T23:00:00' }, 'since'],
      [{ limit: '05' as unknown as number }, 'limit'],
    ] as const) {
      const refused = await demo.client.query(query).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(OrchestratorEventsQueryError);
      expect((refused as OrchestratorEventsQueryError).parameter).toBe(parameter);
    }
  });

  it('stream() throws a 400 at once instead of retrying it', async () => {
    const retries: StreamRetry[] = [];
    const error = await demo.client
      .stream({ run_id: 'bad run!' }, { onRetry: (r) => retries.push(r) })
      .next()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrchestratorEventsBadRequestError);
    expect(retries).toEqual([]);
  });
});

describe.each(['SIGTERM', 'SIGKILL'] as const)(
  'stream() across a server restart (%s)',
  (signal) => {
    let app: RunningApp;
    afterEach(async () => {
      await app.stop();
    });

    it('reconnects by itself and loses nothing, repeats nothing', async () => {
      const port = await freePort();
      app = await startApp({ port });
      const client = new OrchestratorEventsClient({ baseUrl: app.origin });
      const task = `restart-${signal.toLowerCase()}`;
      const opens: StreamOpen[] = [];
      const retries: StreamRetry[] = [];
      let lastRun = '';
      const stop = new AbortController();
      const { received, finished } = collect(
        client.stream(
          { task_id: task },
          {
            signal: stop.signal,
            onOpen: (o) => opens.push(o),
            onRetry: (r) => retries.push(r),
          },
        ),
        (r) => r.some((e) => e.event === 'job_completed' && e.run_id === lastRun),
      );
      await waitFor(() => (opens.length === 1 ? true : undefined));
      await postJob(app, { task_id: task, steps: 40, step_ms: 20 });
      await waitFor(() => (received.length >= 5 ? true : undefined));
      await app.stop(signal);
      const beforeRestart = received.length;

      app = await startApp({ port, dir: app.dir });
      await waitFor(() => (opens.length === 2 ? true : undefined), 60_000);
      // Slow enough that the 202 (and so lastRun) is in before the job completes.
      const job = await postJob(app, { task_id: task, steps: 3, step_ms: 200 });
      lastRun = job.body.run_id;
      // The first job died with the old process; the second one's completion ends the loop.
      await Promise.race([finished, waitFor(() => undefined, 60_000)]);

      const stored = await history(app, `task_id=${task}`);
      expect(ids(received)).toEqual(ids(stored));
      expect(new Set(ids(received)).size).toBe(received.length);
      expect(retries.length).toBeGreaterThanOrEqual(1);
      expect(opens[1]).toEqual({
        reconnected: true,
        lastEventId: retries[retries.length - 1].lastEventId,
      });
      // It resumed after an event it had delivered, one of those seen before the restart or just after
      // (bytes still buffered when the old process died).
      const resumedAt = ids(received).indexOf(opens[1].lastEventId as string);
      expect(resumedAt).toBeGreaterThanOrEqual(beforeRestart - 1);
      stop.abort();
    });
  },
);

describe('OrchestratorEventsClient against the demo app with ORCH_EVENTS_TOKEN', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ env: { ORCH_EVENTS_TOKEN: 'e2e-token-0123456789' } });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('is refused with a typed 401 without the token, and served with it', async () => {
    const anonymous = new OrchestratorEventsClient({ baseUrl: app.origin });
    await expect(anonymous.query()).rejects.toBeInstanceOf(OrchestratorEventsUnauthorizedError);
    const streamError = await anonymous
      .stream({}, { backoff: { initialMs: 1 } })
      .next()
      .catch((e: unknown) => e);
    expect(streamError).toBeInstanceOf(OrchestratorEventsUnauthorizedError);
    expect((streamError as OrchestratorEventsUnauthorizedError).status).toBe(401);

    const client = new OrchestratorEventsClient({
      baseUrl: app.origin,
      token: 'e2e-token-0123456789',
    });
    const page = await client.query({ limit: 1 });
    expect(Array.isArray(page.events)).toBe(true);
    const stop = new AbortController();
    const open = opened();
    const { finished } = collect(
      client.stream({}, { signal: stop.signal, onOpen: open.onOpen }),
      () => false,
    );
    await open.promise;
    stop.abort();
    await expect(finished).resolves.toBeUndefined();
  });
});

/** A scripted HTTP server on 127.0.0.1, for what the demo app cannot be made to do on demand. */
async function stubServer(
  handler: (
    n: number,
    url: string,
    headers: IncomingHttpHeaders,
  ) => { status: number; body: string; type?: string; end?: boolean },
): Promise<{
  server: Server;
  origin: string;
  requests: { url: string; headers: IncomingHttpHeaders }[];
}> {
  const requests: { url: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    const reply = handler(requests.length, req.url ?? '', req.headers);
    res.writeHead(reply.status, { 'Content-Type': reply.type ?? 'application/json' });
    if (reply.end === false) res.write(reply.body);
    else res.end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, origin: `http://127.0.0.1:${port}`, requests };
}

const frame = (id: string, event: string) =>
  `id: ${id}\ndata: ${JSON.stringify({ event_id: id, event, level: 'INFO', timestamp: '2026-11-24T10:00:00.000000Z', logger: 'orchestrator_events', orch_id: 'o' })}\n\n`;

describe('OrchestratorEventsClient against a scripted server', () => {
  let stub: Awaited<ReturnType<typeof stubServer>> | undefined;
  afterEach(async () => {
    if (stub === undefined) return;
    const { server } = stub;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    stub = undefined;
  });

  it('sends the token in the Authorization header only; a 401 is typed and not retried', async () => {
    stub = await stubServer(() => ({
      status: 401,
      body: '{"statusCode":401,"message":"Unauthorized"}',
    }));
    const client = new OrchestratorEventsClient({ baseUrl: stub.origin, token: 's3cret' });
    const error = await client
      .stream({ task_id: 't' })
      .next()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrchestratorEventsUnauthorizedError);
    expect((error as OrchestratorEventsUnauthorizedError).messages).toEqual(['Unauthorized']);
    await expect(client.query()).rejects.toBeInstanceOf(OrchestratorEventsUnauthorizedError);
    expect(stub.requests).toHaveLength(2);
    for (const request of stub.requests) {
      expect(request.headers['authorization']).toBe('Bearer s3cret');
      expect(request.url).not.toContain('s3cret');
    }
    expect(stub.requests[0].url).toBe('/api/v1/orchestrator/events/stream?task_id=t');
  });

  it('retries a 503, honours the retry: hint, resumes with Last-Event-ID and reports a reset', async () => {
    const A = '1795515045123-000000-o';
    const B = '1795515045124-000000-o';
    stub = await stubServer((n) => {
      if (n === 1) return { status: 503, body: '{"statusCode":503,"message":"starting"}' };
      if (n === 2) {
        // One event, then the server closes the stream (a restart): the client must come back.
        return {
          status: 200,
          type: 'text/event-stream',
          body: `retry: 30\n\nevent: reset\ndata: {"oldest_event_id":"${A}"}\n\n${frame(A, 'one')}event: heartbeat\ndata: \n\n`,
        };
      }
      return {
        status: 200,
        type: 'text/event-stream',
        body: `retry: 30\n\n${frame(A, 'one')}${frame(B, 'two')}`,
        end: false,
      };
    });
    const client = new OrchestratorEventsClient({ baseUrl: stub.origin });
    const retries: StreamRetry[] = [];
    const resets: StreamReset[] = [];
    const { received, finished } = collect(
      client.stream(
        {},
        {
          lastEventId: '1795515045000-000000-o',
          backoff: { initialMs: 5, jitter: 0 },
          onRetry: (r) => retries.push(r),
          onReset: (r) => resets.push(r),
        },
      ),
      (r) => r.length === 2,
    );
    await finished;
    // A is replayed by the third response but was delivered already: dropped, not repeated.
    expect(received.map((e) => e.event)).toEqual(['one', 'two']);
    expect(retries.map((r) => [r.attempt, r.delayMs, r.error?.constructor])).toEqual([
      [1, 5, OrchestratorEventsHttpError],
      [1, 30, undefined],
    ]);
    expect(resets).toEqual([{ oldest_event_id: A, last_event_id: '1795515045000-000000-o' }]);
    expect(stub.requests.map((r) => r.headers['last-event-id'])).toEqual([
      '1795515045000-000000-o',
      '1795515045000-000000-o',
      A,
    ]);
  });

  it('failFast reports an unreachable server at once; query() too', async () => {
    const port = await freePort();
    const client = new OrchestratorEventsClient({ baseUrl: `http://127.0.0.1:${port}` });
    const error = await client
      .stream({}, { failFast: true })
      .next()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrchestratorEventsNetworkError);
    expect((error as Error).message).toContain('ECONNREFUSED');
    await expect(client.query()).rejects.toBeInstanceOf(OrchestratorEventsNetworkError);
  });
});
