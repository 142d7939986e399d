import { Global, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventFilter, matches } from '@orchestrator/events-contract';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { until } from '../testing/require-redis';
import { readEvents, tempDir } from '../testing/temp-dir';
import { EventLogger, OrchestratorEventsModule, OrchestratorEventsStatus } from '../index';
import {
  BuiltEvent,
  EVENT_BUS_PLUGIN,
  EventBus,
  EventBusState,
  EventSubscription,
  ReplayResult,
} from './index';

/**
 * A bus of a user's own, written only against `@orchestrator/events/bus`: it records what it is
 * given, and delivers to its subscribers in process (a real one would send to a broker).
 */
class RecordingBus implements EventBus {
  readonly published: BuiltEvent[] = [];
  readonly filters: EventFilter[] = [];
  private readonly listeners = new Set<{
    filter: EventFilter;
    listener: (event: BuiltEvent) => void;
  }>();

  publish(event: BuiltEvent): void {
    this.published.push(event);
    for (const { filter, listener } of this.listeners) {
      if (matches(filter, event.event)) listener(event);
    }
  }

  subscribe(filter: EventFilter, listener: (event: BuiltEvent) => void): EventSubscription {
    const entry = { filter, listener };
    this.filters.push(filter);
    this.listeners.add(entry);
    return { unsubscribe: () => this.listeners.delete(entry) };
  }

  replay(): ReplayResult {
    return undefined;
  }

  subscriberCount(): number {
    return this.listeners.size;
  }

  state(): EventBusState {
    return { kind: 'recording', connected: true, buffered: 0 };
  }
}

/** How a user plugs it in: a global module that provides and exports `EVENT_BUS_PLUGIN`. */
@Global()
@Module({
  providers: [{ provide: EVENT_BUS_PLUGIN, useClass: RecordingBus }],
  exports: [EVENT_BUS_PLUGIN],
})
class RecordingBusModule {}

/** The lines of an SSE response until `done` says enough, or 15 s. */
function readStream(url: string, done: (body: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    const req = http.get(url, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        if (done(body)) {
          req.destroy();
          resolve(body);
        }
      });
    });
    req.on('error', (err) => (done(body) ? resolve(body) : reject(err)));
    setTimeout(() => req.destroy(new Error(`no end in: ${body}`)), 15_000).unref();
  });
}

describe('a bus of your own, plugged in through EVENT_BUS_PLUGIN', () => {
  const { dir, cleanup } = tempDir('orch-bus-plugin-');
  const logFile = path.join(dir, 'orch.log');
  let app: INestApplication;
  let bus: RecordingBus;
  let base: string;

  beforeAll(async () => {
    @Module({
      imports: [OrchestratorEventsModule.forRoot({ env: {}, logFile }), RecordingBusModule],
    })
    class AppModule {}
    app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    bus = app.get<RecordingBus>(EVENT_BUS_PLUGIN);
  });
  afterAll(async () => {
    await app.close();
    cleanup();
  });

  it('is the core module’s EventBus, instead of the in-process one', () => {
    expect(bus).toBeInstanceOf(RecordingBus);
    expect(app.get(EventBus)).toBe(bus);
    expect(app.get(OrchestratorEventsStatus).snapshot().bus).toEqual({
      kind: 'recording',
      connected: true,
      buffered: 0,
    });
  });

  it('gets every event EventLogger.log() writes, the same line as the file', async () => {
    const events = app.get(EventLogger);
    const id = events.log({ event: 'job_queued', task_id: 'plug-1', message: 'to my bus' });
    events.info('job_step', { task_id: 'plug-1', step: 1 });
    await events.flush();
    const mine = bus.published.filter((b) => b.event.task_id === 'plug-1');
    expect(mine.map((b) => b.event.event)).toEqual(['job_queued', 'job_step']);
    expect(mine[0].id).toBe(id);
    const written = readEvents(logFile).filter((e) => e['task_id'] === 'plug-1');
    expect(mine.map((b) => JSON.parse(b.line))).toEqual(written);
  });

  it('feeds the live stream: an SSE client receives what it delivers', async () => {
    const received = readStream(`${base}/orchestrator/events/stream?task_id=plug-2`, (body) =>
      body.includes('"job_completed"'),
    );
    // The stream endpoint subscribed on this bus, with the client's filter.
    await until(() => bus.filters.some((f) => f.task_id === 'plug-2'), 15_000, 'subscribed');
    app.get(EventLogger).info('job_completed', { task_id: 'plug-2' });
    const body = await received;
    expect(body).toMatch(/^data: .*"event":"job_completed".*"task_id":"plug-2"/m);
  });
});
