'use strict';
/**
 * The contenders by command-line name. Required lazily: a child loads only its own contender, so
 * that e.g. the pino child never pays for (or is disturbed by) loading Nest and the library.
 */
const SINKS = {
  'event-logger': './event-logger',
  'event-logger-postgres': './event-logger-postgres',
  pino: './pino',
  winston: './winston',
  stream: './stream',
};

function loadSink(name) {
  const file = SINKS[name];
  if (!file)
    throw new Error(`unknown sink ${name}; expected one of ${Object.keys(SINKS).join(', ')}`);
  return require(file);
}

module.exports = { loadSink, SINK_NAMES: Object.keys(SINKS) };
