import type { DynamicModule } from '@nestjs/common';
import { usePeersMissing } from '../testing/missing-peers';

/**
 * Without `pg` installed: the core never loads it, and importing the store's module is one startup
 * error naming the package. Here `pg` is made unloadable in this test's module registry.
 */
describe('the PostgreSQL store without its optional package pg', () => {
  const peers = usePeersMissing(['pg']);
  const store = (): DynamicModule[] => {
    const { OrchestratorEventsPostgresModule } =
      require('./orchestrator-events-postgres.module') as typeof import('./orchestrator-events-postgres.module');
    return [
      OrchestratorEventsPostgresModule.forRoot({ url: 'postgres://u@127.0.0.1:1/x', env: {} }),
    ];
  };

  it('the core alone starts and never loads pg', async () => {
    await expect(peers.start()).resolves.toBeUndefined();
  });

  it('the store is one startup error naming the package', async () => {
    await expect(peers.start(store)).rejects.toMatchObject({
      name: 'MissingPeerError',
      message: expect.stringContaining('npm install pg'),
    });
  });
});
