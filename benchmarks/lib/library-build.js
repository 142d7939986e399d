'use strict';
/**
 * The library the children load (children/shared.js LIBRARY): built by nx before any figure starts,
 * then copied to a snapshot under results/ that the children load for the whole run. nx rebuilds only
 * what changed (its cache), so on an unchanged tree the build costs a few seconds; after `npm ci` on
 * a clean clone it is the full build. The snapshot is what makes a run safe on a shared workspace:
 * a build of dist/ meanwhile (figure 8 packs the libraries; other people build too) first deletes
 * the output, and a child starting then would find no library, or half of one.
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { ROOT } = require('./child-runner');

const DIST = path.join(ROOT, 'dist');
const SNAPSHOT = path.join(ROOT, 'benchmarks', 'results', `dist-${process.pid}`);
// The library and what it imports by alias (children/preload.js maps every alias to the snapshot).
const LIBS = ['orchestrator-events', 'orchestrator-events-contract'];

/**
 * `npx nx run orchestrator-events:build` (the contract is built first, as its dependency), then the
 * snapshot; sets BENCH_DIST, which every child inherits, to the snapshot's root.
 */
function buildLibrary(log) {
  const t0 = Date.now();
  log('building the library for the children: npx nx run orchestrator-events:build');
  try {
    execFileSync('npx', ['nx', 'run', 'orchestrator-events:build'], {
      cwd: ROOT,
      env: { ...process.env, NX_DAEMON: 'false' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const tail = `${err.stdout ?? ''}${err.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
    throw new Error(`the library does not build, so no child can load it:\n${tail}`);
  }
  fs.rmSync(SNAPSHOT, { recursive: true, force: true });
  process.once('exit', () => fs.rmSync(SNAPSHOT, { recursive: true, force: true }));
  for (const lib of LIBS) {
    const from = path.join(DIST, 'libs', lib);
    if (!fs.existsSync(path.join(from, 'src', 'index.js'))) {
      throw new Error(`the build wrote no ${path.relative(ROOT, from)}/src/index.js`);
    }
    // Under the repository, so that the copy resolves its dependencies from its node_modules.
    fs.cpSync(from, path.join(SNAPSHOT, 'libs', lib), { recursive: true });
  }
  process.env.BENCH_DIST = SNAPSHOT;
  log(
    `  built and copied to ${path.relative(ROOT, SNAPSHOT)} in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );
}

module.exports = { buildLibrary };
