'use strict';
/**
 * The built demo app (dist/apps/orchestrator/main.js) for the figures that measure it (6, 10): built
 * here only when missing, since others may be editing the sources, and said when it is older than
 * them.
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { ROOT } = require('./child-runner');

const DEMO_MAIN = path.join(ROOT, 'dist', 'apps', 'orchestrator', 'main.js');
const SOURCES = [
  'libs/orchestrator-events/src',
  'libs/orchestrator-events-contract/src',
  'apps/orchestrator/src',
];

/** Builds the demo app when `dist` lacks it; true when it did. */
function ensureDemoBuilt(progress) {
  if (fs.existsSync(DEMO_MAIN)) return false;
  progress(`  ${path.relative(ROOT, DEMO_MAIN)} is missing: npx nx run orchestrator:build`);
  execFileSync('npx', ['nx', 'run', 'orchestrator:build', '--skip-nx-cache'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return true;
}

/** Sources changed after the build: the app measured is older than the working tree. */
function sourcesNewerThanDemo() {
  const built = fs.statSync(DEMO_MAIN).mtimeMs;
  const newer = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.ts$/.test(entry.name) && !/\.spec\.ts$/.test(entry.name)) {
        if (fs.statSync(p).mtimeMs > built) newer.push(path.relative(ROOT, p));
      }
    }
  };
  for (const dir of SOURCES) if (fs.existsSync(path.join(ROOT, dir))) walk(path.join(ROOT, dir));
  return newer;
}

module.exports = { DEMO_MAIN, ensureDemoBuilt, sourcesNewerThanDemo };
