import { OrchestratorEventsClient } from '@orchestrator/events-client';
import { RunningApp, startApp, StartOptions } from './app-process';

/** The demo app and a client on it, as `useDemoWithClient` hands them out. */
export interface DemoWithClient {
  readonly app: RunningApp;
  readonly client: OrchestratorEventsClient;
}

/**
 * For the calling `describe`: the built demo app started once (`beforeAll`) with a client on its
 * origin; `afterAll` stops it and expects exit code 0. Read `app` and `client` inside tests.
 */
export function useDemoWithClient(options: StartOptions = {}): DemoWithClient {
  let running: DemoWithClient | undefined;
  beforeAll(async () => {
    const app = await startApp(options);
    running = { app, client: new OrchestratorEventsClient({ baseUrl: app.origin }) };
  });
  afterAll(async () => {
    if (running !== undefined) expect(await running.app.stop()).toBe(0);
  });
  const now = (): DemoWithClient => {
    if (running === undefined) throw new Error('useDemoWithClient: the app did not start');
    return running;
  };
  return {
    get app() {
      return now().app;
    },
    get client() {
      return now().client;
    },
  };
}
