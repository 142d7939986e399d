'use strict';
/**
 * What a nest-winston user gets: winston with format.json() and a winston-daily-rotate-file
 * transport limited like the library (maxSize '10m', maxFiles 5).
 */
const fs = require('node:fs');
const path = require('node:path');
const winston = require('winston');
const DailyRotateFile = require('winston-daily-rotate-file');

const POLL_MS = 2;
/** No size change for this long after 'finish' means the last byte has landed. */
const STABLE_MS = 500;

async function open(dir) {
  const transport = new DailyRotateFile({
    dirname: dir,
    filename: 'winston-%DATE%.log',
    maxSize: '10m',
    maxFiles: 5,
  });
  const logger = winston.createLogger({ format: winston.format.json(), transports: [transport] });
  return {
    log: (event) => logger.info(event),
    done: async () => {
      // The transport's 'finish' only says winston handed every line to the file stream, which
      // still writes asynchronously; so we then watch the files and take the moment their total
      // size was first seen at its final value.
      const finished = new Promise((resolve) => transport.once('finish', resolve));
      logger.end();
      await finished;
      return settledAt(dir);
    },
    close: async () => transport.close(),
  };
}

/** Polls the total size of the log files; resolves with the hrtime at which it stopped changing. */
async function settledAt(dir) {
  let lastSize = -1;
  let lastChange = process.hrtime.bigint();
  for (;;) {
    const size = logBytes(dir);
    const now = process.hrtime.bigint();
    if (size !== lastSize) {
      lastSize = size;
      lastChange = now;
    } else if (Number(now - lastChange) / 1e6 >= STABLE_MS) {
      return lastChange;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function logBytes(dir) {
  let total = 0;
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith('.json')) total += fs.statSync(path.join(dir, name)).size;
  }
  return total;
}

module.exports = { name: 'winston', open, STABLE_MS };
