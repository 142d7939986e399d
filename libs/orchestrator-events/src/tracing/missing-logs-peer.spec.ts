import * as path from 'node:path';
import { tempDir } from '../testing/temp-dir';

/** `logs: true` without `@opentelemetry/api-logs` is one startup error naming it; off, it is never loaded. */
describe('log records without @opentelemetry/api-logs', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    jest.resetModules();
    jest.doMock('@opentelemetry/api-logs', () => {
      throw Object.assign(new Error("Cannot find module '@opentelemetry/api-logs'"), {
        code: 'MODULE_NOT_FOUND',
      });
    });
    ({ dir, cleanup } = tempDir('orch-logs-peer-'));
  });
  afterEach(() => {
    jest.dontMock('@opentelemetry/api-logs');
    cleanup();
  });

  async function start(logs: boolean) {
    // Loaded after the mock, Nest included, so that the library sees it.
    const { Test } = require('@nestjs/testing');
    const { OrchestratorEventsModule } = require('../lib/orchestrator-events.module');
    const { OrchestratorEventsTracingModule } = require('./orchestrator-events-tracing.module');
    const module = await (Test as typeof import('@nestjs/testing').Test)
      .createTestingModule({
        imports: [
          OrchestratorEventsModule.forRoot({
            logFile: path.join(dir, 'orch.log'),
            env: {},
            controller: false,
          }),
          OrchestratorEventsTracingModule.forRoot({ logs }),
        ],
      })
      .compile();
    await module.close();
  }

  it('logs: true stops the start with MissingPeerError', async () => {
    const error = await start(true).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(error?.name).toBe('MissingPeerError');
    expect(error?.message).toContain('npm install @opentelemetry/api-logs');
  });

  it('logs off: starts, never loading it', async () => {
    await expect(start(false)).resolves.toBeUndefined();
  });
});
