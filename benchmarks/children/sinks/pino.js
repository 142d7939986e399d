'use strict';
/** pino writing to a file synchronously: each log() call returns after its line was written. */
const path = require('node:path');
const pino = require('pino');

async function open(dir) {
  const dest = pino.destination({ dest: path.join(dir, 'pino.log'), sync: true });
  const logger = pino(dest);
  return {
    log: (event) => logger.info(event),
    // sync: true means writeSync inside every call, so the bytes are written when the last call returns.
    done: async () => undefined,
    close: async () => dest.end(),
  };
}

module.exports = { name: 'pino', open };
