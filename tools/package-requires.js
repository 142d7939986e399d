'use strict';
/*
 * What a built package needs from other packages, read from its compiled files: every `require("x")`
 * of its .js files and every `from "x"` / `import("x")` of its .d.ts files, by package name. `npm run
 * pack` compares them with the manifest, so that a package whose code needs a module it does not
 * declare (the client once required tslib, which only the server package brought along) is never
 * packed.
 */
const fs = require('node:fs');
const { builtinModules } = require('node:module');
const path = require('node:path');

const BUILTINS = new Set(builtinModules);
// Only literal specifiers: `require(name)` with a variable is the optional-peer loader, whose names
// are peers checked where they are configured.
const JS_REQUIRE = /\brequire\((["'])([^"'\n]+)\1\)/g;
const DTS_IMPORT = /(?:\bfrom\s+|\bimport\(\s*)(["'])([^"'\n]+)\1/g;

/** `@scope/name/deep/path` -> `@scope/name`, `name/deep` -> `name`; null for relative paths and Node's builtins. */
function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return null;
  if (specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0])) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function* filesUnder(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(full);
    else yield full;
  }
}

/**
 * The packages the built package in `dir` needs, each with the first file (relative to `dir`)
 * that needs it. Reads `src/` only: the published code (assets such as the dashboard are not code
 * that Node loads).
 */
function requiredPackages(dir) {
  const needed = new Map();
  for (const file of filesUnder(path.join(dir, 'src'))) {
    const pattern = file.endsWith('.d.ts') ? DTS_IMPORT : file.endsWith('.js') ? JS_REQUIRE : null;
    if (pattern === null) continue;
    for (const match of fs.readFileSync(file, 'utf8').matchAll(pattern)) {
      const name = packageOf(match[2]);
      if (name !== null && !needed.has(name)) needed.set(name, path.relative(dir, file));
    }
  }
  return needed;
}

/**
 * What is wrong between the built package in `dir` and its manifest: a package its code needs that
 * is neither a dependency nor a peer, and a dependency its code never needs. Empty when all agree.
 */
function manifestProblems(dir, manifest) {
  const needed = requiredPackages(dir);
  const deps = Object.keys(manifest.dependencies ?? {});
  const declared = new Set([...deps, ...Object.keys(manifest.peerDependencies ?? {})]);
  const problems = [];
  for (const [name, file] of needed) {
    if (!declared.has(name)) {
      problems.push(`${manifest.name}: ${file} requires "${name}", which it does not declare`);
    }
  }
  for (const name of deps) {
    if (!needed.has(name)) {
      problems.push(`${manifest.name}: depends on "${name}", which its code never requires`);
    }
  }
  return problems;
}

module.exports = { manifestProblems, packageOf, requiredPackages };
