'use strict';
/**
 * EventLogger with the PostgreSQL history store on (figure 16's write path): the app of
 * event-logger.js plus `OrchestratorEventsPostgresModule.forRoot()` on a database of its own
 * (created here, migrated before the clock starts, dropped at close). The store ingests the file in
 * the background while the run logs: what the figure weighs is that work's cost to `log()`.
 */
require('reflect-metadata');
const path = require('node:path');
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { Client } = require('pg');
const { LIBRARY } = require('../shared');
const { EventLogger, OrchestratorEventsModule } = require(LIBRARY);
const { OrchestratorEventsPostgresModule, PostgresHistoryStore } = require(
  path.join(LIBRARY, 'postgres'),
);

/** After the checkpoint, the time the server is given to finish its background writes. */
const SETTLE_MS = 1000;

const ADMIN_URL = process.env.ORCH_BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(sql) {
  const client = new Client(ADMIN_URL);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function open(dir) {
  const name = `orch_bench_write_${process.pid}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const logFile = path.join(dir, 'events.log');
  class BenchModule {}
  Module({
    imports: [
      OrchestratorEventsModule.forRoot({ logFile, maxSize: '10m', maxFiles: 5, env: {} }),
      OrchestratorEventsPostgresModule.forRoot({ url: url.toString(), env: {} }),
    ],
  })(BenchModule);
  const app = await NestFactory.createApplicationContext(BenchModule, {
    logger: ['error', 'warn'],
  });
  // Migrated and answering before the clock starts: the schema's creation is no logging.
  await app.get(PostgresHistoryStore).whenReady();
  // And the server quiet: CREATE DATABASE and the migration leave WAL to flush and a checkpoint's
  // work that would otherwise run on the other core during the timed burst (3 runs measured 0.78x
  // with it, 1.04x after it settled). An app's database exists long before its bursts.
  await admin('CHECKPOINT');
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const logger = app.get(EventLogger);
  return {
    log: (event) => logger.log(event),
    done: () => logger.flush().then(() => undefined),
    stats: () => logger.stats(),
    close: async () => {
      await app.close();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

module.exports = { name: 'EventLogger + PostgreSQL store', open };
