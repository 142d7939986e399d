'use strict';
/**
 * Figure 7's instances: the app of children/sse/library.js (Nest HTTP app, the module with its
 * events controller, prefix `api/v1`, compression, `sseFastPath`), but with the Redis Stream bus:
 * every instance started here on the same `stream` shares its events.
 */
require('reflect-metadata');
const path = require('node:path');
const { LIBRARY } = require('../shared');
const { startApp, streamPath } = require('./library');

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
  const { EventLogger } = require(LIBRARY);
  const { EventBus } = require(path.join(LIBRARY, 'bus'));
  // The same app as figure 3's server (this figure's one-instance contender): the two contenders
  // differ by the bus only.
  const { OrchestratorEventsRedisModule } = require(path.join(LIBRARY, 'redis'));
  const app = await startApp({ logFile: path.join(dir, `orch-${orchId}.log`), orchId }, undefined, [
    OrchestratorEventsRedisModule.forRoot({ url: redisUrl, stream, env: {} }),
  ]);
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
    path: streamPath,
    emit: (input) => logger.log(input),
    /** The bus's own report: connected, buffered, dropped, lastError. */
    busState: () => bus.state(),
    /** EventLogger's counters: `logged`, `internalErrors` (log() calls that threw and recovered)... */
    loggerStats: () => logger.stats(),
    /**
     * Calls `listener(event)` for every event this instance's bus delivers that matches one of
     * `filters` (default: all). A bus calls the subscribers of one filter in subscription order.
     */
    onBusEvent: (listener, filters = [{}]) => {
      for (const filter of filters) bus.subscribe(filter, (built) => listener(built.event));
    },
    close: () => app.close(),
  };
}

module.exports = { name, start };
