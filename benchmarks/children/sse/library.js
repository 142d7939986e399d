'use strict';
/**
 * The library under test, served the way the demo app serves it: a Nest HTTP application with
 * OrchestratorEventsModule.forRoot() (its events controller included), the global prefix `api/v1`
 * and the compression middleware, `sseFastPath` on as in the demo app; events are logged with
 * EventLogger.log(), which writes the line to the log file and publishes it to the SseHub's
 * subscribers.
 */
require('reflect-metadata');
const path = require('node:path');
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { LIBRARY } = require('../shared');
const { nestHealthController } = require('./index');

const name = 'orchestrator-events';

/**
 * The app both library servers run (this one and `library-redis.js`): Nest HTTP app, the module
 * with `options` over the defaults below, a health route (`GET /api/v1/health`, see
 * `nestHealthController()`), prefix `api/v1`, compression; listening on a free port.
 */
async function startApp(options) {
  const { OrchestratorEventsModule } = require(LIBRARY);
  class BenchModule {}
  Module({
    imports: [
      OrchestratorEventsModule.forRoot({
        // Not this process's environment: the defaults, except the stream limits (10,000 in all,
        // 100 per address by default; every bench client comes from 127.0.0.1).
        env: {},
        sseMaxClients: 100_000,
        sseMaxClientsPerIp: 100_000,
        // As the demo app: valid streams are served ahead of Express (see the option's doc).
        sseFastPath: true,
        ...options,
      }),
    ],
    controllers: [nestHealthController()],
  })(BenchModule);
  const app = await NestFactory.create(BenchModule, { logger: ['error', 'warn'] });
  app.setGlobalPrefix('api/v1');
  app.use(require('compression')());
  await app.listen(0, '127.0.0.1');
  return app;
}

/** `GET /api/v1/orchestrator/events/stream`, filtered to `taskId` when given. */
const streamPath = (taskId) =>
  `/api/v1/orchestrator/events/stream${taskId === undefined ? '' : `?task_id=${taskId}`}`;

async function start({ dir }) {
  const { EventLogger } = require(LIBRARY);
  const app = await startApp({ logFile: path.join(dir, 'orch.log') });
  const logger = app.get(EventLogger);
  return {
    port: app.getHttpServer().address().port,
    path: streamPath,
    healthPath: '/api/v1/health',
    httpServer: app.getHttpServer(),
    emit: (input) => logger.log(input),
    close: () => app.close(),
  };
}

module.exports = { name, start, startApp, streamPath };
