import * as path from 'node:path';
import { tempDir } from './testing/temp-dir';
import { MissingPeerError } from './lib/shared/optional-peer';

/**
 * An opt-in module whose optional package is not installed stops the app at startup with one error
 * naming the package; a module not imported never loads its package. Here the
 * packages are made unloadable in this test's module registry (the consumer test checks the same
 * in an app where they are really absent).
 */
const PEERS = ['prom-client', '@opentelemetry/api', 'bullmq'];

function notInstalled(name: string) {
  jest.doMock(name, () => {
    throw Object.assign(new Error(`Cannot find module '${name}' from 'test'`), {
      code: 'MODULE_NOT_FOUND',
    });
  });
}

describe('opt-in modules without their optional packages', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    jest.resetModules();
    PEERS.forEach(notInstalled);
    ({ dir, cleanup } = tempDir('orch-peers-'));
  });
  afterEach(() => {
    PEERS.forEach((name) => jest.dontMock(name));
    cleanup();
  });

  /** Compiles and starts an app with the library loaded afresh (so it sees the mocks). */
  async function start(optIn = '') {
    // Loaded after the mocks above.
    // Nest too: its classes must be the ones the freshly loaded library sees.
    const { Test } = require('@nestjs/testing');
    const { OrchestratorEventsModule } = require('./lib/orchestrator-events.module');
    const { OrchestratorEventsBullMQModule } = require('./bullmq');
    const { OrchestratorEventsMetricsModule } = require('./metrics');
    const { OrchestratorEventsTracingModule } = require('./tracing');
    const module = await (Test as typeof import('@nestjs/testing').Test)
      .createTestingModule({
        imports: [
          OrchestratorEventsModule.forRoot({
            logFile: path.join(dir, 'orch.log'),
            env: {},
            controller: false,
          }),
          ...(optIn === 'bullmq'
            ? [OrchestratorEventsBullMQModule.forRoot({ queues: ['q'] })]
            : []),
          ...(optIn === 'metrics' ? [OrchestratorEventsMetricsModule.forRoot()] : []),
          ...(optIn === 'tracing' ? [OrchestratorEventsTracingModule.forRoot()] : []),
        ],
      })
      .compile();
    await module.close();
  }

  it.each([
    ['metrics', 'prom-client'],
    ['tracing', '@opentelemetry/api'],
    ['bullmq', 'bullmq'],
  ])('the %s module is one startup error naming %s', async (optIn, name) => {
    const error = await start(optIn).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as MissingPeerError).name).toBe('MissingPeerError');
    expect((error as Error).message).toContain(`npm install ${name}`);
  });

  it('starts without them when no opt-in module is imported', async () => {
    await expect(start()).resolves.toBeUndefined();
  });
});
