import { DynamicModule } from '@nestjs/common';
import * as path from 'node:path';
import { tempDir } from './temp-dir';

/** Makes `name` unloadable in the test's module registry, as if the package were not installed. */
function notInstalled(name: string): void {
  jest.doMock(name, () => {
    throw Object.assign(new Error(`Cannot find module '${name}' from 'test'`), {
      code: 'MODULE_NOT_FOUND',
    });
  });
}

/**
 * For the calling `describe`: `peers` unloadable in a fresh module registry before each test.
 * `start(optIns)` compiles and closes an app with the core beside what `optIns` returns; both are
 * loaded after the mocks (Nest too: its classes must be the ones the freshly loaded library sees),
 * so `optIns` must `require` its modules itself.
 */
export function usePeersMissing(peers: string[]): {
  start(optIns?: () => DynamicModule[]): Promise<void>;
} {
  let cleanup = (): void => undefined;
  let file = '';
  beforeEach(() => {
    jest.resetModules();
    peers.forEach(notInstalled);
    const temp = tempDir('orch-peers-');
    cleanup = temp.cleanup;
    file = path.join(temp.dir, 'orch.log');
  });
  afterEach(() => {
    peers.forEach((name) => jest.dontMock(name));
    cleanup();
  });
  return {
    async start(optIns = () => []) {
      const { Test } = require('@nestjs/testing') as typeof import('@nestjs/testing');
      const { OrchestratorEventsModule } =
        require('../lib/orchestrator-events.module') as typeof import('../lib/orchestrator-events.module');
      const module = await Test.createTestingModule({
        imports: [
          OrchestratorEventsModule.forRoot({ logFile: file, env: {}, controller: false }),
          ...optIns(),
        ],
      }).compile();
      await module.close();
    },
  };
}
