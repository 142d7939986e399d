import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from '@nestjs/common';
import { AppLogger, EventLogger } from '@orchestrator/events';
import compression from 'compression';
import { AddressInfo } from 'node:net';
import { isLoopback, listenConfig } from './app.config';
import { AppModule } from './app.module';
import { AppToken } from './auth/app-token';
import { useBodyParsers } from './http/body-limits';
import { serveMetrics } from './metrics/metrics.route';
import { ClientErrorFilter } from './http/client-error.filter';
import { applyServerLimits, serverLimits } from './http/server-limits';

async function bootstrap(): Promise<void> {
  const { host, port } = listenConfig();
  const limits = serverLimits();
  // A start-up error (a bad setting, the event log held by another process) reaches the catch
  // below and is printed there as one line: no abort, and no Nest logger until creation succeeded.
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    logger: false,
    abortOnError: false,
    // Registered below with a named size limit and a bound on JSON nesting (MAX_JSON_DEPTH).
    bodyParser: false,
  });
  app.useLogger(app.get(AppLogger));
  app.use(compression());
  app.setGlobalPrefix('api/v1');
  // The dashboard is the library's own page (`OrchestratorEventsDashboardModule` in AppModule).
  app
    .getHttpAdapter()
    .get('/', (_req: unknown, res: unknown) =>
      app.getHttpAdapter().redirect(res, 302, '/dashboard/'),
    );
  // Prometheus's GET /metrics, at the root: the library's orchestrator_events_* metrics.
  serveMetrics(app);
  useBodyParsers(app);
  // A body too large, too deep or cut short is the client's error: a plain 4xx JSON, never logged.
  app.useGlobalFilters(new ClientErrorFilter(app.getHttpAdapter()));
  const openApi = new DocumentBuilder()
    .setTitle('orchestrator-events')
    .setDescription('Orchestrator events: history, live stream, demo jobs')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ORCH_EVENTS_TOKEN, when set' })
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi));
  // process.exit(0) after the hooks instead of re-raising the signal: a clean exit code, and the
  // event writer's exit handler still runs.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  if (!isLoopback(host) && !app.get(AppToken).required) {
    new Logger('Security').warn(
      `Listening on ${host}, reachable from other machines, and the event endpoints and POST /api/v1/jobs need no token: set ORCH_EVENTS_TOKEN (or pass guards) to protect them.`,
    );
  }
  // Half-open sockets are closed within the headers timeout, and connections stop short of the
  // open-files limit: thousands of silent clients cannot make the app unreachable.
  applyServerLimits(app.getHttpServer(), limits);
  await app.listen(port, host);
  const address = app.getHttpServer().address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/`;
  const events = app.get(EventLogger);
  events.info('orchestrator_started', { message: `listening on ${url}`, pid: process.pid });
  process.stdout.write(
    `orchestrator ${events.orchId} listening on ${url} (dashboard: ${url}dashboard/)\n`,
  );
}

bootstrap().catch((err: unknown) => {
  process.stderr.write(`orchestrator failed to start: ${(err as Error)?.message ?? err}\n`);
  process.exit(1);
});
