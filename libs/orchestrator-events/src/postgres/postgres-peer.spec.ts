import * as path from 'node:path';
import { tempDir } from '../testing/temp-dir';

/**
 * Without `pg` installed: the core never loads it, and importing the store's module is one startup
 * error naming the package. Here `pg` is made unloadable in this test's module registry.
 */
describe('the PostgreSQL store without its optional package pg', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    jest.resetModules();
    jest.doMock('pg', () => {
      throw Object.assign(new Error("Cannot find module 'pg' from 'test'"), {
        code: 'MODULE_NOT_FOUND',
      });
    });
    dir = tempDir('orch-pg-peer-');
  });
  afterEach(() => {
    jest.dontMock('pg');
    dir.cleanup();
  });

  async function start(withStore: boolean): Promise<void> {
    // Loaded after the mock, with Nest, so that the library sees it.
    const { Test } = require('@nestjs/testing') as typeof import('@nestjs/testing');
    const { OrchestratorEventsModule } = require('../lib/orchestrator-events.module');
    const { OrchestratorEventsPostgresModule } = require('./orchestrator-events-postgres.module');
    const module = await Test.createTestingModule({
      imports: [
        OrchestratorEventsModule.forRoot({
          logFile: path.join(dir.dir, 'orch.log'),
          env: {},
          controller: false,
        }),
        ...(withStore
          ? [
              OrchestratorEventsPostgresModule.forRoot({
                url: 'postgres://u@127.0.0.1:1/x',
                env: {},
              }),
            ]
          : []),
      ],
    }).compile();
    try {
      await module.init();
    } finally {
      await module.close();
    }
  }

  it('the core alone starts and never loads pg', async () => {
    await expect(start(false)).resolves.toBeUndefined();
  });

  it('the store is one startup error naming the package', async () => {
    await expect(start(true)).rejects.toMatchObject({
      name: 'MissingPeerError',
      message: expect.stringContaining('npm install pg'),
    });
  });
});
