'use strict';
/**
 * The library under test, built the way an app builds it: a Nest application context with
 * OrchestratorEventsModule.forRoot() and the default rotation (10 MiB, 5 backups).
 */
require('reflect-metadata');
const path = require('node:path');
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { LIBRARY } = require('../shared');
const { EventLogger, OrchestratorEventsModule } = require(LIBRARY);

async function open(dir) {
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
  return {
    log: (event) => logger.log(event),
    // flush() resolves once every line logged before it went to the file with writeSync.
    done: () => logger.flush().then(() => undefined),
    stats: () => logger.stats(),
    close: () => app.close(),
  };
}

module.exports = { name: 'EventLogger', open };
