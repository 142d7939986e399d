#!/usr/bin/env node
/*
 * `npm run pack`: builds the three publishable libraries and writes one npm tarball per package into
 * dist/packages/. Each library's package.json (libs/<name>/package.json) is the published manifest,
 * kept by hand and checked here: one version for all three, the contract dependency pinned to it,
 * and (after the build) every package its compiled code requires declared, every dependency used.
 * Nothing is published: `npm publish dist/packages/<file>.tgz` is a human's step.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { manifestProblems } = require('./package-requires');

const root = path.join(__dirname, '..');
const PACKAGES = [
  { project: 'orchestrator-events-contract', dir: 'libs/orchestrator-events-contract' },
  { project: 'orchestrator-events', dir: 'libs/orchestrator-events' },
  { project: 'orchestrator-events-client', dir: 'libs/orchestrator-events-client' },
];
const CONTRACT = '@orchestrator/events-contract';

function fail(message) {
  process.stderr.write(`pack: ${message}\n`);
  process.exit(1);
}

const manifests = PACKAGES.map(({ dir }) =>
  JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8')),
);
const version = manifests[0].version;
for (const manifest of manifests) {
  if (manifest.version !== version) {
    fail(
      `${manifest.name} is at ${manifest.version}, ${manifests[0].name} at ${version}: one version for all`,
    );
  }
  const pinned = manifest.dependencies?.[CONTRACT];
  if (pinned !== undefined && pinned !== version) {
    fail(`${manifest.name} depends on ${CONTRACT}@${pinned}, expected ${version}`);
  }
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
execFileSync(
  npx,
  [
    'nx',
    'run-many',
    '-t',
    'build',
    '-p',
    ...PACKAGES.map((p) => p.project),
    '--outputStyle=static',
  ],
  { cwd: root, stdio: 'inherit' },
);

// A module the compiled code requires must be declared, or the package breaks in an app that has
// not got it by chance through another package.
const problems = PACKAGES.flatMap(({ project }, i) =>
  manifestProblems(path.join(root, 'dist', 'libs', project), manifests[i]),
);
if (problems.length > 0)
  fail(`the manifests do not match the built code:\n  ${problems.join('\n  ')}`);

const out = path.join(root, 'dist', 'packages');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
for (const { project } of PACKAGES) {
  const built = path.join(root, 'dist', 'libs', project);
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', built, '--json', '--pack-destination', out], {
      cwd: root,
      encoding: 'utf8',
    }),
  );
  const kib = (packed.size / 1024).toFixed(1);
  process.stdout.write(`${packed.filename}  ${packed.entryCount} files, ${kib} KiB\n`);
}
process.stdout.write(`\nTarballs of version ${version} in ${path.relative(root, out)}/\n`);
