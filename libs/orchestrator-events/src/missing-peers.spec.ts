import { usePeersMissing } from './testing/missing-peers';
import { MissingPeerError } from './lib/shared/optional-peer';

/**
 * An opt-in module whose optional package is not installed stops the app at startup with one error
 * naming the package; a module not imported never loads its package. Here the
 * packages are made unloadable in this test's module registry (the consumer test checks the same
 * in an app where they are really absent).
 */
const PEERS = ['prom-client', '@opentelemetry/api', 'bullmq'];

describe('opt-in modules without their optional packages', () => {
  const peers = usePeersMissing(PEERS);

  /** An app with the core and the named opt-in module, all loaded afresh (so they see the mocks). */
  const start = (optIn = '') =>
    peers.start(() => {
      const { OrchestratorEventsBullMQModule } = require('./bullmq');
      const { OrchestratorEventsMetricsModule } = require('./metrics');
      const { OrchestratorEventsTracingModule } = require('./tracing');
      return [
        ...(optIn === 'bullmq' ? [OrchestratorEventsBullMQModule.forRoot({ queues: ['q'] })] : []),
        ...(optIn === 'metrics' ? [OrchestratorEventsMetricsModule.forRoot()] : []),
        ...(optIn === 'tracing' ? [OrchestratorEventsTracingModule.forRoot()] : []),
      ];
    });

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
