import * as path from 'node:path';
import { tempDir } from '../testing/temp-dir';

/**
 * Without `ioredis` installed: the core never loads it, and importing the Redis module is one
 * startup error naming the package. Here `ioredis` is made unloadable in this test's registry.
 */
describe('the Redis module without its optional package ioredis', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    jest.resetModules();
    jest.doMock('ioredis', () => {
      throw Object.assign(new Error("Cannot find module 'ioredis' from 'test'"), {
        code: 'MODULE_NOT_FOUND',
      });
    });
    dir = tempDir('orch-redis-peer-');
  });
  afterEach(() => {
    jest.dontMock('ioredis');
    dir.cleanup();
  });

  async function start(withRedis: boolean): Promise<string> {
    // Loaded after the mock, with Nest, so that the library sees it.
    const { Test } = require('@nestjs/testing') as typeof import('@nestjs/testing');
    const { OrchestratorEventsModule } = require('../lib/orchestrator-events.module');
    const { EventBus } = require('../lib/bus/event-bus');
    const { OrchestratorEventsRedisModule } = require('./orchestrator-events-redis.module');
    const module = await Test.createTestingModule({
      imports: [
        OrchestratorEventsModule.forRoot({
          logFile: path.join(dir.dir, 'orch.log'),
          env: {},
          controller: false,
        }),
        ...(withRedis
          ? [OrchestratorEventsRedisModule.forRoot({ url: 'redis://127.0.0.1:1', env: {} })]
          : []),
      ],
    }).compile();
    try {
      await module.init();
      return module.get(EventBus).state().kind;
    } finally {
      await module.close();
    }
  }

  it('the core alone starts on the in-process bus and never loads ioredis', async () => {
    await expect(start(false)).resolves.toBe('memory');
  });

  it('the Redis module is one startup error naming the package', async () => {
    await expect(start(true)).rejects.toMatchObject({
      name: 'MissingPeerError',
      message: expect.stringContaining('npm install ioredis'),
    });
  });
});
