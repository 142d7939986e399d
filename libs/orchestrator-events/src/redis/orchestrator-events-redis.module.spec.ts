import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { redisAvailable, until } from '../testing/require-redis';
import { readEvents, tempDir } from '../testing/temp-dir';
import { EventBus } from '../lib/bus/event-bus';
import { HistorySources } from '../lib/history/history-sources.registry';
import { OrchestratorEventsModule } from '../lib/orchestrator-events.module';
import { EventLogger } from '../lib/write/event-logger.service';
import { OrchestratorEventsRedisModule } from './orchestrator-events-redis.module';

const REDIS_URL = 'redis://127.0.0.1:6379';
const redisUp = redisAvailable('OrchestratorEventsRedisModule');

describe('OrchestratorEventsRedisModule', () => {
  const { dir, cleanup } = tempDir('orch-redis-module-');
  afterAll(cleanup);

  const core = (name: string) =>
    OrchestratorEventsModule.forRoot({
      env: {},
      controller: false,
      orchId: name,
      logFile: path.join(dir, `${name}.log`),
    });

  it('stops the app at startup on bad options, naming each', async () => {
    const compiled = Test.createTestingModule({
      imports: [
        core('bad'),
        OrchestratorEventsRedisModule.forRoot({
          env: { REDIS_URL: 'redis://:hunter2@127.0.0.1:6379', ORCH_REDIS_BUFFER: 'lots' },
          stream: 'has space',
        }),
      ],
    }).compile();
    const error = await compiled.then(
      () => new Error('started'),
      (err: Error) => err,
    );
    expect(error.message).toContain('redis option stream="has space"');
    expect(error.message).toContain('ORCH_REDIS_BUFFER="lots"');
  });

  (redisUp ? it : it.skip)(
    'forRootAsync: the core bus is the stream, and the stream a history source',
    async () => {
      const stream = `orch:test:${randomBytes(6).toString('hex')}`;
      const module = await Test.createTestingModule({
        imports: [
          core('async'),
          OrchestratorEventsRedisModule.forRootAsync({
            useFactory: async () => ({ url: REDIS_URL, stream, env: {} }),
          }),
        ],
      }).compile();
      await module.init();
      const admin = new Redis(REDIS_URL, { protocol: 2 });
      try {
        const bus = module.get<EventBus>(EventBus);
        await until(() => bus.state().connected, 15_000, 'connected');
        expect(bus.state()).toMatchObject({ kind: 'redis', stream });
        expect(
          module
            .get(HistorySources)
            .all()
            .map((s) => s.name),
        ).toEqual(['files', 'redis']);
        const events = module.get(EventLogger);
        const id = events.info('job_step', { task_id: 'redis-module' });
        await events.flush();
        const entries = await until(async () => {
          const found = await admin.xrange(stream, '-', '+');
          return found.length > 0 ? found : undefined;
        });
        const line = readEvents(path.join(dir, 'async.log')).find((e) => e['event_id'] === id);
        expect(entries[0][1]).toEqual(expect.arrayContaining(['id', id, 'line']));
        expect(JSON.parse(entries[0][1][entries[0][1].indexOf('line') + 1])).toEqual(line);
      } finally {
        await module.close();
        await admin.del(stream);
        await admin.quit();
      }
    },
  );
});
