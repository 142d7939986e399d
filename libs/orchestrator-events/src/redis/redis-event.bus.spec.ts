import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { OrchestratorEvent } from '@orchestrator/events-contract';
import { redisAvailable } from '../testing/require-redis';
import { BuiltEvent } from '../lib/event/event-line';
import { WriteOutScheduler } from '../lib/file/write-out.scheduler';
import { RedisEventBus, RedisEventBusOptions } from './redis-event.bus';

/**
 * Against the real Redis server on 127.0.0.1:6379 (no mocks): each test uses its own stream key and
 * deletes it afterwards. Without a server they are skipped with a message, except under CI.
 */
const REDIS_URL = 'redis://127.0.0.1:6379';
const redisUp = redisAvailable('Redis bus tests');

let seq = 0;
/** An event as EventLogger builds it (line = its JSON), with a fresh id of this orch. */
function built(orch: string, fields: Partial<OrchestratorEvent> = {}): BuiltEvent {
  const ms = Date.now();
  const event: OrchestratorEvent = {
    timestamp: new Date(ms).toISOString().replace('Z', '000Z'),
    level: 'INFO',
    logger: 'orchestrator_events',
    event: 'step',
    event_id: `${ms}-${String(seq++ % 1_000_000).padStart(6, '0')}-${orch}`,
    orch_id: orch,
    ...fields,
  } as OrchestratorEvent;
  return { id: event.event_id, event, line: JSON.stringify(event) };
}

async function until<T>(check: () => T | undefined | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The one scheduler the module would pass; each writer here registers its own flushes. */
const scheduler = new WriteOutScheduler();

(redisUp ? describe : describe.skip)('RedisEventBus (real Redis on 6379)', () => {
  let admin: Redis;
  let stream: string;
  const buses: RedisEventBus[] = [];

  function open(orchId: string, extra: Partial<RedisEventBusOptions> = {}): RedisEventBus {
    const bus = new RedisEventBus({
      url: REDIS_URL,
      stream,
      maxLen: 100000,
      buffer: 100000,
      orchId,
      replayBufferSize: 1000,
      scheduler,
      ...extra,
    });
    bus.start();
    buses.push(bus);
    return bus;
  }

  beforeAll(() => {
    admin = new Redis(REDIS_URL, { protocol: 2 });
  });
  beforeEach(() => {
    stream = `orch:test:${randomBytes(6).toString('hex')}`;
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
    await admin.del(stream);
  });
  afterAll(async () => {
    await admin.quit();
  });

  it('delivers every instance its own and the others events once, in stream order', async () => {
    const a = open('a');
    const b = open('b');
    await until(() => a.state().connected && b.state().connected);
    const onA: string[] = [];
    const onB: string[] = [];
    a.subscribe({}, (e) => onA.push(e.event.event_id));
    b.subscribe({}, (e) => onB.push(e.event.event_id));
    const published: string[] = [];
    for (let i = 0; i < 200; i++) {
      const e = built(i % 2 ? 'a' : 'b');
      published.push(e.event.event_id);
      (i % 2 ? a : b).publish(e);
    }
    await until(() => onA.length >= 200 && onB.length >= 200);
    const entries = await admin.xrange(stream, '-', '+');
    const streamOrder = entries.map(([, fields]) => fields[1]);
    expect(new Set(streamOrder)).toEqual(new Set(published));
    expect(streamOrder).toHaveLength(200);
    // Both instances agree with the stream, own events included, none twice.
    expect(onA).toEqual(streamOrder);
    expect(onB).toEqual(streamOrder);
    expect(a.state()).toMatchObject({ kind: 'redis', connected: true, stream, buffered: 0 });
  });

  it('stores the line exactly as given, with its event_id', async () => {
    const a = open('a');
    await until(() => a.state().connected);
    const e = built('a', { task_id: 't-1', note: 'é "quoted" \n' } as Partial<OrchestratorEvent>);
    a.publish(e);
    await until(() => a.state().buffered === 0);
    const [[, fields]] = await admin.xrange(stream, '-', '+');
    const map = Object.fromEntries(
      fields.flatMap((v, i) => (i % 2 ? [] : [[v, fields[i + 1]]])),
    ) as Record<string, string>;
    expect(map['id']).toBe(e.event.event_id);
    expect(map['line']).toBe(e.line);
  });

  it('replays by stream position on an instance that never saw the id; undefined when unknown', async () => {
    const a = open('a');
    await until(() => a.state().connected);
    const events = Array.from({ length: 2500 }, (_, i) =>
      built('a', { task_id: i % 3 ? 'x' : 'y' } as Partial<OrchestratorEvent>),
    );
    for (const e of events) a.publish(e);
    await until(() => a.state().buffered === 0);
    const late = open('late'); // started after: nothing in its ring
    await until(() => late.state().connected);
    const after = events[100].event.event_id;
    const replayed = await late.replay(after, { task_id: 'y' });
    expect(replayed?.map((e) => e.event.event_id)).toEqual(
      events
        .slice(101)
        .filter((e) => e.event.task_id === 'y')
        .map((e) => e.event.event_id),
    );
    // From its own ring, on the publishing instance, the same answer.
    expect((await a.replay(after, { task_id: 'y' }))?.length).toBe(replayed?.length);
    expect(await late.replay('1000000000000-000000-nobody', {})).toBeUndefined();
  });

  it('keeps publishing locally, buffers boundedly and counts drops while Redis is unreachable', async () => {
    const port = await closedPort();
    const down = open('down', { url: `redis://127.0.0.1:${port}`, buffer: 5 });
    const got: string[] = [];
    down.subscribe({}, (e) => got.push(e.event.event_id));
    const events = Array.from({ length: 8 }, () => built('down'));
    for (const e of events) expect(() => down.publish(e)).not.toThrow();
    expect(got).toEqual(events.map((e) => e.event.event_id));
    expect(down.state()).toMatchObject({
      kind: 'redis',
      connected: false,
      buffered: 5,
      dropped: 3,
    });
    expect(await down.replay(events[2].event.event_id, {})).toHaveLength(5);
    expect(await down.history.query({})).toBeUndefined();
  });

  it('clears lastError once Redis is back and the bus connected (issue 21 item 9)', async () => {
    const port = await closedPort();
    const a = open('a', { url: `redis://127.0.0.1:${port}` });
    await until(() => a.state().lastError === 'ECONNREFUSED', 15_000);
    // Redis "comes back" on that port: a proxy to the real server.
    const { connect } = await import('node:net');
    const proxy = createServer((client) => {
      const upstream = connect(6379, '127.0.0.1');
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy()).on('close', () => upstream.destroy());
      upstream.on('error', () => client.destroy()).on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
    try {
      await until(() => a.state().connected, 15_000);
      expect(a.state()).toMatchObject({ connected: true, lastError: null });
    } finally {
      await a.close();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });

  it('adds events buffered during an outage once Redis is back, and other instances get them', async () => {
    // A proxy port that refuses until it forwards to the real server: the "outage" ends on demand.
    const { port, open: heal, close } = await gate();
    try {
      const b = open('b');
      const a = open('a', { url: `redis://127.0.0.1:${port}` });
      await until(() => b.state().connected);
      const onA: string[] = [];
      const onB: string[] = [];
      a.subscribe({}, (e) => onA.push(e.event.event_id));
      b.subscribe({}, (e) => onB.push(e.event.event_id));
      const during = Array.from({ length: 50 }, () => built('a'));
      for (const e of during) a.publish(e);
      expect(onA).toHaveLength(50); // delivered locally while down
      expect(a.state()).toMatchObject({ connected: false, buffered: 50 });
      heal();
      await until(() => onB.length >= 50, 15_000);
      expect(onB).toEqual(during.map((e) => e.event.event_id));
      await until(() => a.state().connected && a.state().buffered === 0, 15_000);
      const after = built('a');
      a.publish(after);
      await until(() => onA.length >= 51);
      // The outage events came back from the stream without being delivered a second time.
      expect(onA).toEqual([...during, after].map((e) => e.event.event_id));
      expect(await admin.xlen(stream)).toBe(51);
    } finally {
      await close();
    }
  });

  it('resends batches cut in flight in their order, none lost or doubled', async () => {
    const { port, open: heal, cut, close } = await gate();
    try {
      heal();
      const b = open('b');
      const a = open('a', { url: `redis://127.0.0.1:${port}` });
      await until(() => a.state().connected && b.state().connected);
      const onA: string[] = [];
      const onB: string[] = [];
      a.subscribe({}, (e) => onA.push(e.event.event_id));
      b.subscribe({}, (e) => onB.push(e.event.event_id));
      // Several pipelined batches, all written before any reply: the cut catches them in flight.
      const events = Array.from({ length: 1800 }, () => built('a'));
      for (const e of events) a.publish(e);
      await new Promise((r) => setImmediate(r));
      expect(a.state().buffered).toBe(1800);
      cut();
      const ids = events.map((e) => e.event.event_id);
      await until(() => onB.length >= ids.length && a.state().buffered === 0, 15_000);
      await new Promise((r) => setTimeout(r, 100));
      expect(onB).toEqual(ids);
      expect(onA).toEqual(ids);
    } finally {
      await close();
    }
  });

  it('trims the stream to about MAXLEN', async () => {
    const a = open('a', { maxLen: 100 });
    await until(() => a.state().connected);
    for (let i = 0; i < 1000; i++) a.publish(built('a'));
    await until(() => a.state().buffered === 0);
    // `~` trims by whole macro nodes (100 entries by default): at most one node over.
    expect(await admin.xlen(stream)).toBeLessThanOrEqual(200);
  });

  it('serves history of every instance by event_id, with filters and cursors', async () => {
    const a = open('a');
    const b = open('b');
    await until(() => a.state().connected && b.state().connected);
    const all: BuiltEvent[] = [];
    for (let i = 0; i < 30; i++) {
      const e = built(i % 2 ? 'a' : 'b', {
        task_id: i % 3 ? 'x' : 'y',
      } as Partial<OrchestratorEvent>);
      all.push(e);
      (i % 2 ? a : b).publish(e);
    }
    await until(() => a.state().buffered === 0 && b.state().buffered === 0);
    const ids = all.map((e) => e.event.event_id).sort();
    const newest = await b.history.query({ limit: 10 });
    expect(newest?.events.map((e) => e.event_id)).toEqual(ids.slice(-10));
    expect(newest?.has_more).toBe(true);
    const older = await b.history.query({ limit: 10, before: ids[20] });
    expect(older?.events.map((e) => e.event_id)).toEqual(ids.slice(10, 20));
    const afterPage = await a.history.query({ after: ids[24], limit: 100 });
    expect(afterPage?.events.map((e) => e.event_id)).toEqual(ids.slice(25));
    expect(afterPage?.has_more).toBe(false);
    const ys = await a.history.query({ task_id: 'y', limit: 1000 });
    expect(ys?.events.every((e) => e.task_id === 'y')).toBe(true);
    expect(ys?.events).toHaveLength(all.filter((e) => e.event.task_id === 'y').length);
  });
});

/**
 * A TCP port on 127.0.0.1 that refuses connections (an unreachable Redis) until `open()`, then
 * forwards them to the real server; `cut()` drops the connections it holds (they may reconnect).
 */
async function gate(): Promise<{
  port: number;
  open: () => void;
  cut: () => void;
  close: () => Promise<void>;
}> {
  const { connect } = await import('node:net');
  let healed = false;
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    if (!healed) {
      client.destroy();
      return;
    }
    const upstream = connect(6379, '127.0.0.1');
    sockets.add(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    open: () => (healed = true),
    cut: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
