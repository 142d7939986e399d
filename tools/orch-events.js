#!/usr/bin/env node
/*
 * `npx orch-events`: the CLI of libs/orchestrator-events-client, run from its TypeScript sources so
 * it works right after `npm ci`, with no build step. ts-node only transpiles (type checking is the
 * job of lint and tests), and tsconfig-paths resolves the workspace aliases
 * (@orchestrator/events-contract) from tsconfig.base.json.
 */
'use strict';
const path = require('node:path');

const lib = path.join(__dirname, '..', 'libs', 'orchestrator-events-client');
const project = path.join(lib, 'tsconfig.lib.json');

require('ts-node').register({ project, transpileOnly: true });
const tsconfigPaths = require('tsconfig-paths');
const config = tsconfigPaths.loadConfig(project);
if (config.resultType !== 'success') throw new Error(`orch-events: ${config.message}`);
tsconfigPaths.register({ baseUrl: config.absoluteBaseUrl, paths: config.paths });

require(path.join(lib, 'src', 'cli', 'main.ts'))
  .main()
  .catch((error) => {
    process.stderr.write(`orch-events: ${error && error.message ? error.message : error}\n`);
    process.exitCode = 1;
  });
