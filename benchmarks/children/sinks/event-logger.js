'use strict';
/**
 * The library under test, built the way an app builds it: a Nest application context with
 * OrchestratorEventsModule.forRoot() and the default rotation (10 MiB, 5 backups).
 *
 * `subscribers` (figure 12): that many listeners on the app's EventBus, subscriber i filtered to
 * `task-(i mod 1000)` (the task ids of shared.js makeEvents), as the SSE streams of that many
 * dashboards would be, minus the sockets. `done()` then also waits for their deliveries.
 */
require('reflect-metadata');
const path = require('node:path');
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { LIBRARY } = require('../shared');
const { EventLogger, OrchestratorEventsModule } = require(LIBRARY);
const { EventBus } = require(path.join(LIBRARY, 'bus'));

const TASK_IDS = 1_000;
/** Upper bound on the wait for the bus's last deliveries after flush(). */
const DELIVERY_WAIT_MS = 10_000;

async function open(dir, { subscribers = 0 } = {}) {
  const logFile = path.join(dir, 'events.log');
  class BenchModule {}
  Module({
    imports: [OrchestratorEventsModule.forRoot({ logFile, maxSize: '10m', maxFiles: 5, env: {} })],
  })(BenchModule);
  // Warnings and errors stay visible: the library reports recovered failures through Nest's logger.
  const app = await NestFactory.createApplicationContext(BenchModule, {
    logger: ['error', 'warn'],
  });
  const logger = app.get(EventLogger);
  if (subscribers === 0) {
    return {
      log: (event) => logger.log(event),
      // flush() resolves once every line logged before it went to the file with writeSync.
      done: () => logger.flush().then(() => undefined),
      stats: () => logger.stats(),
      close: () => app.close(),
    };
  }
  const bus = app.get(EventBus);
  const perTask = new Map();
  let delivered = 0;
  const listener = () => delivered++;
  for (let i = 0; i < subscribers; i++) {
    const task_id = `task-${i % TASK_IDS}`;
    bus.subscribe({ task_id }, listener);
    perTask.set(task_id, (perTask.get(task_id) ?? 0) + 1);
  }
  // What the subscribers must get in all: one Map lookup per log() call, inside the clock.
  let expected = 0;
  return {
    log: (event) => {
      expected += perTask.get(event.task_id) ?? 0;
      logger.log(event);
    },
    done: async () => {
      await logger.flush();
      const deadline = Date.now() + DELIVERY_WAIT_MS;
      while (delivered < expected && Date.now() < deadline) {
        await new Promise(setImmediate);
      }
      if (delivered < expected) {
        throw new Error(`${delivered} of ${expected} deliveries after ${DELIVERY_WAIT_MS} ms`);
      }
      return undefined;
    },
    deliveries: () => ({ expected, delivered }),
    stats: () => logger.stats(),
    close: () => app.close(),
  };
}

module.exports = { name: 'EventLogger', open };
