'use strict';
/**
 * Preloaded into every benchmark child (`node -r children/preload.js`, lib/child-runner.js): maps
 * the workspace's package aliases (tsconfig.base.json `paths`, e.g. '@orchestrator/events-contract')
 * onto their builds in dist/, which is what a user's node_modules would resolve them to. The
 * library itself is required from dist/ by path (shared.js LIBRARY), built by run.js before any
 * figure starts: children load compiled JavaScript, not the TypeScript sources, so a child starts in
 * well under a second instead of compiling the library (seconds each, dozens of children per run),
 * and an edit to the sources during a run cannot give two runs different code.
 */
const path = require('node:path');
const tsconfigPaths = require('tsconfig-paths');

const ROOT = path.resolve(__dirname, '..', '..');
// run.js's snapshot of dist/ for this run (lib/library-build.js), else dist/ itself.
const DIST = process.env.BENCH_DIST || path.join(ROOT, 'dist');
const config = tsconfigPaths.loadConfig(path.join(ROOT, 'tsconfig.base.json'));
if (config.resultType !== 'success') throw new Error(`tsconfig.base.json: ${config.message}`);

// 'libs/<name>/src/index.ts' -> '<dist>/libs/<name>/src/index.js' (the layout @nx/js:tsc writes).
const paths = {};
for (const [alias, targets] of Object.entries(config.paths)) {
  paths[alias] = targets.map((t) => path.join(DIST, t).replace(/\.ts$/, '.js'));
}
tsconfigPaths.register({ baseUrl: config.absoluteBaseUrl, paths, addMatchAll: false });
