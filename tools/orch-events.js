#!/usr/bin/env node
/*
 * `npx orch-events` inside this workspace: runs the compiled bin of @orchestrator/events-client
 * (`npm run build` first), the same file the published package installs. In the workspace the
 * client's import of @orchestrator/events-contract is not an installed package, so it is pointed
 * at the built contract library.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

const dist = path.join(__dirname, '..', 'dist', 'libs');
const bin = path.join(dist, 'orchestrator-events-client', 'src', 'cli', 'bin.js');
if (!fs.existsSync(bin)) {
  process.stderr.write('orch-events: the client is not built yet; run `npm run build` first\n');
  process.exit(1);
}

const contract = path.join(dist, 'orchestrator-events-contract', 'src', 'index.js');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolve.call(
    this,
    request === '@orchestrator/events-contract' ? contract : request,
    ...rest,
  );
};
require(bin);
