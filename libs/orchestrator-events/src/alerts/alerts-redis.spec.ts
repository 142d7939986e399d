import { Test, TestingModule } from '@nestjs/testing';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { redisAvailable, until } from '../testing/require-redis';
import { readEvents, tempDir } from '../testing/temp-dir';
import { startReceiver } from '../testing/webhook-receiver';
import { EventLogger } from '../lib/write/event-logger.service';
import { OrchestratorEventsModule } from '../lib/orchestrator-events.module';
import { OrchestratorEventsRedisModule } from '../redis/orchestrator-events-redis.module';
import { OrchestratorEventsAlertsModule } from './orchestrator-events-alerts.module';

const REDIS_URL = 'redis://127.0.0.1:6379';
const describeRedis = redisAvailable('Alerts on the Redis bus') ? describe : describe.skip;

/** Two app instances on one Redis stream, each with its own log file and the alerts module. */
describeRedis('alerts with the Redis bus: one alert per run across instances and restarts', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let stream: string;
  let dir: string;
  let cleanup: () => void;
  let admin: Redis;
  const modules: TestingModule[] = [];

  async function instance(name: string): Promise<EventLogger> {
    const module = await Test.createTestingModule({
      imports: [
        OrchestratorEventsModule.forRoot({
          logFile: path.join(dir, `${name}.log`),
          orchId: name,
          env: {},
          controller: false,
        }),
        OrchestratorEventsRedisModule.forRoot({ url: REDIS_URL, stream, env: {} }),
        OrchestratorEventsAlertsModule.forRoot({
          webhook: { url: receiver.url, secret: 's3cret' },
        }),
      ],
    }).compile();
    await module.init();
    modules.push(module);
    const events = module.get(EventLogger);
    // The bus reads from the stream's end once connected: wait until this instance hears itself.
    const probe = `probe-${randomBytes(4).toString('hex')}`;
    events.info(probe);
    await until(async () => {
      await events.flush();
      return readEvents(path.join(dir, `${name}.log`)).some((e) => e['event'] === probe);
    });
    return events;
  }

  const fail = (events: EventLogger, run: string) =>
    events
      .track('job', { task_id: 't', run_id: run }, async () => {
        throw new Error('boom');
      })
      .catch(() => undefined);

  beforeAll(() => {
    admin = new Redis(REDIS_URL, { protocol: 2 });
  });
  beforeEach(async () => {
    receiver = await startReceiver();
    stream = `orch:test:alerts:${randomBytes(6).toString('hex')}`;
    ({ dir, cleanup } = tempDir('orch-alerts-redis-'));
  });
  afterEach(async () => {
    for (const module of modules.splice(0)) await module.close();
    await receiver.close();
    const keys = await admin.keys(`${stream}*`);
    if (keys.length > 0) await admin.del(...keys);
    cleanup();
  });
  afterAll(async () => {
    await admin.quit();
  });

  it('two instances on one Redis give one POST per failed run', async () => {
    const a = await instance('a');
    const b = await instance('b');
    // Wait until each instance's stream reader is live (each heard the other's probe, or more).
    await fail(a, 'r1');
    await fail(b, 'r2');
    await fail(a, 'r3');
    await until(() => receiver.requests.length >= 3);
    // A last run: its alert comes after any duplicate the first three could have produced.
    await fail(b, 'r4');
    await until(() => receiver.requests.length >= 4);
    const runs = receiver.requests.map((r) => r.json['run_id']).sort();
    expect(runs).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(await admin.exists(`${stream}:alerts:run_failed:r1`)).toBe(1);
    expect(await admin.pttl(`${stream}:alerts:run_failed:r1`)).toBeGreaterThan(86_400_000);
  });

  it('a restarted instance re-sends nothing, whichever instance sent before', async () => {
    let a = await instance('a');
    await fail(a, 'before');
    await until(() => receiver.requests.length === 1);
    await modules.pop()?.close();
    a = await instance('a');
    await fail(a, 'after');
    await until(() => receiver.requests.length >= 2);
    // The claim is what stops a repeat even if the events came again: a direct replay of the
    // failure (same run id) on the restarted instance sends nothing either.
    a.error('job_failed', { task_id: 't', run_id: 'before', status: 'failed' });
    await fail(a, 'last');
    await until(() => receiver.requests.length >= 3);
    expect(receiver.requests.map((r) => r.json['run_id'])).toEqual(['before', 'after', 'last']);
  });
});
