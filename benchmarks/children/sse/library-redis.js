'use strict';
/**
 * Figure 7's instances: the library served as children/sse/library.js serves it (Nest HTTP app,
 * OrchestratorEventsModule.forRoot() with its events controller, prefix `api/v1`, compression,
 * `sseFastPath`), but
 * with the Redis Stream bus: every instance started here on the same `stream` shares its events.
 */
require('reflect-metadata');
const path = require('node:path');
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { LIBRARY } = require('../shared');

const name = 'orchestrator-events (Redis bus)';

/** Polls `ready()` every 20 ms until it holds; rejects after `timeoutMs`. */
async function until(ready, what, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * @param {{dir: string, redisUrl: string, stream: string, orchId: string}} options
 * Resolves once the bus is connected (both connections up, the reader positioned at the stream's
 * end), so that no event logged by another instance after this resolves can be missed.
 */
async function start({ dir, redisUrl, stream, orchId }) {
  const { EventBus, EventLogger, OrchestratorEventsModule } = require(LIBRARY);
  class BenchModule {}
  Module({
    imports: [
      OrchestratorEventsModule.forRoot({
        logFile: path.join(dir, `orch-${orchId}.log`),
        // Not this process's environment: the defaults, except the stream limits (as in figure 3)
        // and the Redis settings.
        env: {},
        orchId,
        redisUrl,
        redisStream: stream,
        sseMaxClients: 100_000,
        sseMaxClientsPerIp: 100_000,
        // As children/sse/library.js (figure 3's server, this figure's one-instance contender) and
        // the demo app: valid streams are served ahead of Express. The two contenders differ by the
        // bus only.
        sseFastPath: true,
      }),
    ],
  })(BenchModule);
  const app = await NestFactory.create(BenchModule, { logger: ['error', 'warn'] });
  app.setGlobalPrefix('api/v1');
  app.use(require('compression')());
  await app.listen(0, '127.0.0.1');
  const bus = app.get(EventBus);
  const logger = app.get(EventLogger);
  try {
    await until(() => bus.state().connected === true, `instance ${orchId}: no Redis connection`);
  } catch (err) {
    await app.close();
    throw new Error(`${err.message} (${JSON.stringify(bus.state())})`);
  }
  return {
    port: app.getHttpServer().address().port,
    path: (taskId) =>
      `/api/v1/orchestrator/events/stream${taskId === undefined ? '' : `?task_id=${taskId}`}`,
    emit: (input) => logger.log(input),
    /** The bus's own report: connected, buffered, dropped, lastError. */
    busState: () => bus.state(),
    /** EventLogger's counters: `logged`, `internalErrors` (log() calls that threw and recovered)... */
    loggerStats: () => logger.stats(),
    /** Calls `listener(event)` for every event this instance's bus delivers (all tasks). */
    onBusEvent: (listener) => bus.subscribe({}, (built) => listener(built.event)),
    close: () => app.close(),
  };
}

module.exports = { name, start };
