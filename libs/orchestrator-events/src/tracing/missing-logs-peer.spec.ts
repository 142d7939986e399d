import { usePeersMissing } from '../testing/missing-peers';

/** `logs: true` without `@opentelemetry/api-logs` is one startup error naming it; off, it is never loaded. */
describe('log records without @opentelemetry/api-logs', () => {
  const peers = usePeersMissing(['@opentelemetry/api-logs']);

  const start = (logs: boolean) =>
    peers.start(() => {
      const { OrchestratorEventsTracingModule } = require('./orchestrator-events-tracing.module');
      return [OrchestratorEventsTracingModule.forRoot({ logs })];
    });

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
