#!/usr/bin/env node
/*
 * Builds the dashboard page for @orchestrator/events: bundles src/main.ts (with
 * @orchestrator/events-client, the contract and uPlot) and src/style.css with esbuild into
 * content-hashed files, and writes index.html naming them, plus manifest.json (what the server
 * may serve). Nothing is fetched at run time. Output: dist/libs/orchestrator-events-dashboard/, or
 * the directory given as the first argument. The library's build copies it into the package
 * as dashboard/.
 */
'use strict';
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const project = path.relative(root, __dirname);
const DEFAULT_OUT = path.join(root, 'dist', 'libs', 'orchestrator-events-dashboard');
/** What manifest.json says it is: the server checks it before serving a directory. */
const MANIFEST_NAME = 'orchestrator-events-dashboard';

async function buildDashboard(outDir = DEFAULT_OUT) {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: {
      app: path.join(project, 'src', 'main.ts'),
      style: path.join(project, 'src', 'style.css'),
    },
    tsconfig: path.join(project, 'tsconfig.lib.json'),
    bundle: true,
    // DASHBOARD_MINIFY=0 keeps names readable (profiling); the shipped page is minified.
    minify: process.env.DASHBOARD_MINIFY !== '0',
    format: 'esm',
    target: ['chrome111', 'firefox115', 'safari16.4'],
    entryNames: '[name]-[hash]',
    outdir: path.join(outDir, 'assets'),
    write: false,
    charset: 'utf8',
    logLevel: 'warning',
  });
  const assets = {};
  for (const file of result.outputFiles) assets[path.basename(file.path)] = file.contents;
  const named = (ext) => {
    const found = Object.keys(assets).find((name) => name.endsWith(ext));
    if (!found) throw new Error(`dashboard build: no ${ext} output`);
    return `assets/${found}`;
  };
  const template = fs.readFileSync(path.join(__dirname, 'src', 'index.html'), 'utf8');
  const html = template.replace('{{app.js}}', named('.js')).replace('{{style.css}}', named('.css'));
  if (!html.includes('__ORCH_DASHBOARD_CONFIG__')) {
    throw new Error('dashboard build: index.html lost its config placeholder');
  }
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(outDir, 'assets'), { recursive: true });
  for (const [name, contents] of Object.entries(assets)) {
    fs.writeFileSync(path.join(outDir, 'assets', name), contents);
  }
  fs.writeFileSync(path.join(outDir, 'index.html'), html);
  const manifest = { name: MANIFEST_NAME, index: 'index.html', assets: Object.keys(assets).sort() };
  fs.writeFileSync(path.join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { outDir, manifest, bytes: result.outputFiles.map((f) => f.contents.length) };
}

module.exports = { buildDashboard, DEFAULT_OUT };

if (require.main === module) {
  const started = Date.now();
  buildDashboard(process.argv[2] ? path.resolve(process.argv[2]) : DEFAULT_OUT).then(
    ({ outDir, manifest, bytes }) => {
      const kib = (bytes.reduce((a, b) => a + b, 0) / 1024).toFixed(1);
      process.stdout.write(
        `dashboard: ${manifest.assets.join(', ')} (${kib} KiB) in ${path.relative(root, outDir)}/ ` +
          `(${Date.now() - started} ms)\n`,
      );
    },
    (error) => {
      process.stderr.write(`dashboard build failed: ${error.message}\n`);
      process.exit(1);
    },
  );
}
