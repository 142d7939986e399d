#!/usr/bin/env node
'use strict';
/**
 * The library's shape in a few figures, for reviews and closing notes:
 *   node tools/structure.js [--json]
 * - the names each entry point of @orchestrator/events exports (the core's must stay ≤ 25);
 * - the longest function and the longest file of each library (specs and test helpers apart);
 * - the circles between folders: folder A imports from folder B and B, through any path, from A.
 * It reads the sources with the TypeScript compiler API (already a dev dependency), so what it
 * counts is what tsc sees.
 */
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const ROOT = path.resolve(__dirname, '..');
const LIBS = [
  'libs/orchestrator-events/src',
  'libs/orchestrator-events-contract/src',
  'libs/orchestrator-events-client/src',
  'libs/orchestrator-events-dashboard/src',
];
const isSource = (file) =>
  file.endsWith('.ts') && !file.endsWith('.spec.ts') && !file.split(path.sep).includes('testing');

function walk(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(p));
    else if (isSource(p)) out.push(p);
  }
  return out;
}

const parse = (file) =>
  ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);

/** Every function-like node's name and line count. */
function functionsOf(source) {
  const found = [];
  const visit = (node) => {
    if (ts.isFunctionLike(node) && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name = node.name && ts.isIdentifier(node.name) ? node.name.text : '(anonymous)';
      found.push({ name, line: start + 1, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Relative import specifiers of a file, resolved to files. */
function importsOf(source, file) {
  const out = [];
  const add = (spec) => {
    if (!spec.startsWith('.')) return;
    const base = path.resolve(path.dirname(file), spec);
    for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
      if (fs.existsSync(candidate)) return out.push(candidate);
    }
  };
  const visit = (node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier) &&
      !(node.importClause?.isTypeOnly ?? false)
    ) {
      add(node.moduleSpecifier.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Strongly connected components of a folder graph with more than one folder: the circles. */
function circles(graph) {
  let index = 0;
  const stack = [];
  const meta = new Map();
  const found = [];
  const connect = (v) => {
    meta.set(v, { index, low: index, on: true });
    index++;
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!meta.has(w)) {
        connect(w);
        meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).low);
      } else if (meta.get(w).on) {
        meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).index);
      }
    }
    if (meta.get(v).low === meta.get(v).index) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        meta.get(w).on = false;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!meta.has(v)) connect(v);
  return found;
}

function entryPoints() {
  const pkg = JSON.parse(
    fs.readFileSync(path.join(ROOT, 'libs/orchestrator-events/package.json'), 'utf8'),
  );
  const out = {};
  for (const key of Object.keys(pkg.exports ?? {})) {
    if (key.endsWith('package.json')) continue;
    const dir = key === '.' ? '' : key.slice(2);
    const file = path.join(ROOT, 'libs/orchestrator-events/src', dir, 'index.ts');
    if (!fs.existsSync(file)) continue;
    const program = ts.createProgram([file], { allowJs: false, types: [] });
    const checker = program.getTypeChecker();
    const symbol = checker.getSymbolAtLocation(program.getSourceFile(file));
    out[`@orchestrator/events${key.slice(1)}`] = symbol
      ? checker.getExportsOfModule(symbol).length
      : 0;
  }
  return out;
}

function main() {
  const report = { entryPoints: entryPoints(), libraries: {} };
  for (const lib of LIBS) {
    const files = walk(path.join(ROOT, lib));
    let longestFunction = { lines: 0 };
    let longestFile = { lines: 0 };
    const graph = new Map();
    for (const file of files) {
      const source = parse(file);
      const rel = path.relative(ROOT, file);
      const lines = source.getLineAndCharacterOfPosition(source.getEnd()).line + 1;
      if (lines > longestFile.lines) longestFile = { file: rel, lines };
      for (const fn of functionsOf(source)) {
        if (fn.lines > longestFunction.lines) longestFunction = { ...fn, file: rel };
      }
      const from = path.relative(ROOT, path.dirname(file));
      for (const target of importsOf(source, file)) {
        const to = path.relative(ROOT, path.dirname(target));
        if (to === from) continue;
        if (!graph.has(from)) graph.set(from, new Set());
        graph.get(from).add(to);
      }
    }
    report.libraries[lib] = {
      files: files.length,
      longestFunction,
      longestFile,
      circlesBetweenFolders: circles(graph),
    };
  }
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  for (const [name, count] of Object.entries(report.entryPoints)) {
    console.log(`${name}: ${count} exports`);
  }
  for (const [lib, r] of Object.entries(report.libraries)) {
    console.log(`\n${lib} (${r.files} source files)`);
    const f = r.longestFunction;
    console.log(`  longest function: ${f.name} ${f.file}:${f.line} (${f.lines} lines)`);
    console.log(`  longest file: ${r.longestFile.file} (${r.longestFile.lines} lines)`);
    const c = r.circlesBetweenFolders;
    console.log(
      `  circles between folders: ${c.length === 0 ? 'none' : c.map((x) => x.join(' ⇄ ')).join('; ')}`,
    );
  }
}

main();
