import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppLogger, EventLogger } from '@orchestrator/events';
import { listenConfig } from './app.config';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  const { host, port } = listenConfig();
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  app.useLogger(app.get(AppLogger));
  app.setGlobalPrefix('api/v1');
  // process.exit(0) after the hooks instead of re-raising the signal: a clean exit code, and the
  // event writer's exit handler still runs.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen(port, host);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  const events = app.get(EventLogger);
  events.info('orchestrator_started', { message: `listening on ${url}`, pid: process.pid });
  process.stdout.write(`orchestrator ${events.orchId} listening on ${url}\n`);
}

bootstrap().catch((err: unknown) => {
  process.stderr.write(`orchestrator failed to start: ${(err as Error)?.message ?? err}\n`);
  process.exit(1);
});
