'use strict';
/**
 * The library's server of library.js (the same module options with `sseFastPath`, prefix, health
 * route and events) on `@nestjs/platform-fastify` instead of Express, Fastify at its defaults;
 * without compression (see `startApp()`).
 */
const { FastifyAdapter } = require('@nestjs/platform-fastify');
const { startOn } = require('./library');

const name = 'orchestrator-events (Fastify)';

const start = (options) => startOn(new FastifyAdapter(), options);

module.exports = { name, start };
