'use strict';
/**
 * The SSE servers of figures 3, 4 and 9 by command-line name, required lazily like children/sinks:
 * the plain server's child never loads Nest or the library.
 */
const SERVERS = {
  library: './library',
  'library-fastify': './library-fastify',
  plain: './plain',
  'nest-sse': './nest-sse',
  'better-sse': './better-sse',
};

function loadServer(name) {
  const file = SERVERS[name];
  if (!file)
    throw new Error(`unknown server ${name}; expected one of ${Object.keys(SERVERS).join(', ')}`);
  return require(file);
}

/**
 * What the plain and Nest servers send for one event: the library's fields in the library's order
 * (timestamp, level, logger, event, event_id, orch_id, task_id, run_id, then the caller's), so that
 * every contender puts about the same bytes on the wire.
 */
function recordOf(input, seq) {
  const { event, task_id, run_id, ...extras } = input;
  return {
    timestamp: new Date().toISOString(),
    level: 'INFO',
    logger: 'orchestrator_events',
    event,
    event_id: `${String(Date.now()).padStart(13, '0')}-${String(seq % 1e6).padStart(6, '0')}-bench`,
    orch_id: 'bench',
    task_id,
    run_id,
    ...extras,
  };
}

/**
 * What every server's health route answers (figure 9 probes it while its streams are stalled): the
 * same body and the same work everywhere, one `process.memoryUsage()` serialized to JSON.
 */
function healthBody() {
  return { status: 'ok', memory: process.memoryUsage() };
}

/**
 * The routing of the bare node:http servers (plain, better-sse): answers `GET /health` and 404s
 * whatever is not `/stream`; returns the stream's URL, or `undefined` when it answered itself.
 */
function streamUrl(req, res) {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/health') {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(healthBody()));
    return undefined;
  }
  if (url.pathname !== '/stream') {
    res.writeHead(404).end();
    return undefined;
  }
  return url;
}

/**
 * The health route of the Nest servers (the library's and `@Sse()`'s): `GET <prefix>/health`
 * answering `healthBody()`, which Nest serializes with `res.json()`. Decorators applied by hand, as
 * in nest-sse.js; `@nestjs/common` required here only, so the plain server's child never loads it.
 */
function nestHealthController() {
  const { Controller, Get } = require('@nestjs/common');
  class HealthController {
    health() {
      return healthBody();
    }
  }
  const descriptor = Object.getOwnPropertyDescriptor(HealthController.prototype, 'health');
  Get()(HealthController.prototype, 'health', descriptor);
  Controller('health')(HealthController);
  return HealthController;
}

module.exports = {
  loadServer,
  recordOf,
  healthBody,
  streamUrl,
  nestHealthController,
  SERVER_NAMES: Object.keys(SERVERS),
};
