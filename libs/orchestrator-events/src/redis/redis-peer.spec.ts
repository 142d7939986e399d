import type { DynamicModule } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import { usePeersMissing } from '../testing/missing-peers';

/**
 * Without `ioredis` installed: the core never loads it, and importing the Redis module is one
 * startup error naming the package. Here `ioredis` is made unloadable in this test's registry.
 */
describe('the Redis module without its optional package ioredis', () => {
  const peers = usePeersMissing(['ioredis']);
  const busKind = (app: TestingModule): string => {
    const { EventBus } = require('../lib/bus/event-bus') as typeof import('../lib/bus/event-bus');
    return app.get<{ state(): { kind: string } }>(EventBus).state().kind;
  };
  const redis = (): DynamicModule[] => {
    const { OrchestratorEventsRedisModule } =
      require('./orchestrator-events-redis.module') as typeof import('./orchestrator-events-redis.module');
    return [OrchestratorEventsRedisModule.forRoot({ url: 'redis://127.0.0.1:1', env: {} })];
  };

  it('the core alone starts on the in-process bus and never loads ioredis', async () => {
    await expect(peers.start(() => [], busKind)).resolves.toBe('memory');
  });

  it('the Redis module is one startup error naming the package', async () => {
    await expect(peers.start(redis, busKind)).rejects.toMatchObject({
      name: 'MissingPeerError',
      message: expect.stringContaining('npm install ioredis'),
    });
  });
});
