'use strict';
/**
 * The library under test, served the way the demo app serves it: a Nest HTTP application on
 * Express with OrchestratorEventsModule.forRoot() (its events controller included), the global
 * prefix `api/v1` and the compression middleware, `sseFastPath` on as in the demo app; events are
 * logged with EventLogger.log(), which writes the line to the log file and publishes it to the
 * SseHub's subscribers. library-fastify.js is the same app on Fastify.
 */
require('reflect-metadata');
const path = require('node:path');
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { LIBRARY } = require('../shared');
const { nestHealthController } = require('./index');

const name = 'orchestrator-events (Express)';

/**
 * The app every library server runs (this one, `library-fastify.js`, `library-redis.js`): Nest HTTP
 * app on `adapter` (default Express), the module with `options` over the defaults below, a health
 * route (`GET /api/v1/health`, see `nestHealthController()`), prefix `api/v1`, compression on
 * Express; listening on a free port, the fast path serving streams.
 */
async function startApp(options, adapter, imports = []) {
  const { OrchestratorEventsModule, OrchestratorEventsStatus } = require(LIBRARY);
  class BenchModule {}
  Module({
    imports: [
      // An opt-in module beside the core (figure 7: the Redis module).
      ...imports,
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
  const appOptions = { logger: ['error', 'warn'] };
  const app = adapter
    ? await NestFactory.create(BenchModule, adapter, appOptions)
    : await NestFactory.create(BenchModule, appOptions);
  app.setGlobalPrefix('api/v1');
  // Express's compression middleware. Fastify's counterpart is a plugin, @fastify/compress, which
  // the workspace does not install: that app has none (the streams skip it on both, fast path).
  if (!adapter) app.use(require('compression')());
  await app.listen(0, '127.0.0.1');
  // The fast path stays off, with a mere warning, where it cannot vouch for the adapter's setup:
  // the figures would then measure another path than the one their text describes.
  const { fastPath } = app.get(OrchestratorEventsStatus).snapshot().streams;
  if (fastPath.enabled && !fastPath.active) {
    await app.close();
    throw new Error('sseFastPath is on but inactive (see the warning above)');
  }
  return app;
}

/** `GET /api/v1/orchestrator/events/stream`, filtered to `taskId` when given. */
const streamPath = (taskId) =>
  `/api/v1/orchestrator/events/stream${taskId === undefined ? '' : `?task_id=${taskId}`}`;

/** The contender (see `sse/index.js`) on `adapter`: undefined for Express, else a Nest adapter. */
async function startOn(adapter, { dir }) {
  const { EventLogger } = require(LIBRARY);
  const app = await startApp({ logFile: path.join(dir, 'orch.log') }, adapter);
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

const start = (options) => startOn(undefined, options);

module.exports = { name, start, startOn, startApp, streamPath };
