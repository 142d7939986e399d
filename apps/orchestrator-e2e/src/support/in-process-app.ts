import { INestApplication, Module } from '@nestjs/common';
import { AbstractHttpAdapter, NestFactory } from '@nestjs/core';
import { EventLogger, OrchestratorEventsModule } from '@orchestrator/events';
import {
  OrchestratorEventsDashboardModule,
  OrchestratorEventsDashboardOptions,
} from '@orchestrator/events/dashboard';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The core module's options, and `dashboard`: the dashboard module's, when it is mounted. */
type ForRoot = NonNullable<Parameters<typeof OrchestratorEventsModule.forRoot>[0]> & {
  dashboard?: OrchestratorEventsDashboardOptions;
};

/** A user's app of its own, in the test process: the library from its sources, nothing of the demo. */
export interface InProcessApp {
  app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  events: EventLogger;
  dir: string;
  close(): Promise<void>;
}

/**
 * Starts a fresh Nest app that imports `OrchestratorEventsModule.forRoot(options)` (and
 * `OrchestratorEventsDashboardModule.forRoot(options.dashboard)` when given), with its event log in
 * a temp dir and the environment ignored, on a free port of 127.0.0.1.
 */
export async function startInProcessApp(
  options: ForRoot,
  globalPrefix?: string,
  /** The HTTP adapter, e.g. `new FastifyAdapter()`; default Express. */
  adapter?: AbstractHttpAdapter,
): Promise<InProcessApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orch-e2e-app-'));
  const { dashboard, ...core } = options;
  @Module({
    imports: [
      OrchestratorEventsModule.forRoot({
        env: {},
        logFile: path.join(dir, 'orch.log'),
        ...core,
      }),
      ...(dashboard === undefined ? [] : [OrchestratorEventsDashboardModule.forRoot(dashboard)]),
    ],
  })
  class UserAppModule {}
  const app =
    adapter === undefined
      ? await NestFactory.create(UserAppModule, { logger: false })
      : await NestFactory.create(UserAppModule, adapter, { logger: false });
  if (globalPrefix) app.setGlobalPrefix(globalPrefix);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    app,
    origin: `http://127.0.0.1:${port}`,
    events: app.get(EventLogger),
    dir,
    close: async () => {
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
