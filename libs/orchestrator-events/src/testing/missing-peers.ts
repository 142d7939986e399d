import { DynamicModule } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
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
 * `start(optIns)` compiles, starts and closes an app with the core beside what `optIns` returns,
 * answering what `inspect` reads of it meanwhile; both are loaded after the mocks (Nest too: its
 * classes must be the ones the freshly loaded library sees), so `optIns` must `require` its
 * modules itself.
 */
export function usePeersMissing(peers: string[]): {
  start<T = void>(
    optIns?: () => DynamicModule[],
    inspect?: (app: TestingModule) => T,
  ): Promise<T | undefined>;
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
    async start<T>(optIns: () => DynamicModule[] = () => [], inspect?: (app: TestingModule) => T) {
      const { Test } = require('@nestjs/testing') as typeof import('@nestjs/testing');
      const { OrchestratorEventsModule } =
        require('../lib/orchestrator-events.module') as typeof import('../lib/orchestrator-events.module');
      const module = await Test.createTestingModule({
        imports: [
          OrchestratorEventsModule.forRoot({ logFile: file, env: {}, controller: false }),
          ...optIns(),
        ],
      }).compile();
      try {
        await module.init();
        return inspect?.(module);
      } finally {
        await module.close();
      }
    },
  };
}
