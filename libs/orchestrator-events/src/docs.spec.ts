import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { ENV_VARIABLES } from './lib/options/options-from-env';

/**
 * The documentation keeps its word: every TypeScript block it marks as compiling (`<!-- compiles -->`
 * before the fence, or the README's `<!-- consumer-test: src/main.ts -->` app) type-checks against
 * the workspace's libraries, and every environment variable the code reads has exactly one row in
 * the configuration tables (tables whose first column is `variable`), none of them unknown to it.
 */
const ROOT = path.join(__dirname, '..', '..', '..');

/** README.md and every page of docs/, as paths relative to the repository. */
function docFiles(root: string = ROOT): string[] {
  const pages = fs
    .readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...pages];
}

interface CodeBlock {
  /** `docs/usage.md`, relative to the repository. */
  file: string;
  /** 1-based line of the block's first code line in that file. */
  line: number;
  code: string;
}

const MARKED_BLOCK = /<!-- (?:compiles|consumer-test: \S+\.ts) -->\s*```ts\n([\s\S]*?)```/g;

/** The blocks marked as compiling, in one Markdown text. */
function markedBlocks(file: string, text: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  for (const match of text.matchAll(MARKED_BLOCK)) {
    const codeStart = (match.index ?? 0) + match[0].length - match[1].length - 3;
    const line = text.slice(0, codeStart).split('\n').length;
    blocks.push({ file, line, code: match[1] });
  }
  return blocks;
}

/**
 * Type-checks the blocks, each as a module of its own, with the workspace's compiler options and
 * path mapping (`@orchestrator/events`, `-contract`, `-client` from source). Returns one message per
 * error, `file:line: text`, with the line in the Markdown file.
 */
function typeCheck(blocks: CodeBlock[], root: string = ROOT): string[] {
  const config = ts.readConfigFile(path.join(root, 'tsconfig.base.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    // Blocks are snippets of an app: top-level await (the client's example) needs an ES module.
    module: ts.ModuleKind.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    noEmit: true,
    noUnusedLocals: false,
    types: ['node'],
  };
  // Virtual files beside the repository's node_modules, so that packages resolve as in the workspace.
  const virtual = new Map<string, CodeBlock>();
  blocks.forEach((block, i) => {
    const name = path.join(root, '.docs-blocks', `${i}-${block.file.replace(/\W/g, '_')}.ts`);
    virtual.set(name, block);
  });
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => virtual.has(name) || fileExists.call(host, name);
  host.readFile = (name) => {
    const block = virtual.get(name);
    return block ? `${block.code}\nexport {};\n` : readFile.call(host, name);
  };
  host.getSourceFile = (name, language, onError, create) => {
    const block = virtual.get(name);
    if (block === undefined) return getSourceFile.call(host, name, language, onError, create);
    return ts.createSourceFile(name, `${block.code}\nexport {};\n`, language);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  const messages: string[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const block = diagnostic.file && virtual.get(diagnostic.file.fileName);
    if (diagnostic.file === undefined || block === undefined) {
      messages.push(`(compiler): TS${diagnostic.code} ${text}`);
      continue;
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    messages.push(`${block.file}:${block.line + line}: TS${diagnostic.code} ${text}`);
  }
  return messages;
}

/**
 * The body rows of the configuration tables (those whose header's first column is `variable`),
 * as trimmed cells without the outer pipes, each with its `file:line`.
 */
function configRows(files: Record<string, string>): { cells: string[]; at: string }[] {
  const rows: { cells: string[]; at: string }[] = [];
  for (const [file, text] of Object.entries(files)) {
    let inTable = false;
    text.split('\n').forEach((line, i) => {
      if (!line.startsWith('|')) {
        inTable = false;
        return;
      }
      const cells = line
        .split('|')
        .slice(1)
        .map((cell) => cell.trim());
      if (cells[0] === 'variable') inTable = true;
      else if (inTable && !/^-+$/.test(cells[0])) rows.push({ cells, at: `${file}:${i + 1}` });
    });
  }
  return rows;
}

/** Adds `at` to the places of `key`. */
function addPlace(places: Map<string, string[]>, key: string, at: string): void {
  places.set(key, [...(places.get(key) ?? []), at]);
}

/** The variables of the configuration tables: each row's variables, in backticks, first column. */
function documentedVariables(files: Record<string, string>): Map<string, string[]> {
  const places = new Map<string, string[]>();
  for (const { cells, at } of configRows(files)) {
    for (const name of cells[0].matchAll(/`([A-Z][A-Z0-9_]*)`/g)) addPlace(places, name[1], at);
  }
  return places;
}

/** The options of the configuration tables: `file:line` of each row naming it (second column). */
function documentedOptionRows(files: Record<string, string>): Map<string, string[]> {
  const places = new Map<string, string[]>();
  for (const { cells, at } of configRows(files)) {
    const option = /^`(\w+)`$/.exec(cells[1] ?? '')?.[1];
    if (option !== undefined) addPlace(places, option, at);
  }
  return places;
}

/**
 * The variables the demo app, the CLI and the opt-in modules' environment mappings read
 * (`env['NAME']`, `process.env['NAME']`, `(env, 'NAME'`); the core's are `ENV_VARIABLES`.
 */
function appVariables(root: string = ROOT): string[] {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
        const source = fs.readFileSync(full, 'utf8');
        for (const match of source.matchAll(/\benv(?:\[\s*|,\s*)'([A-Z][A-Z0-9_]*)'/g)) {
          names.add(match[1]);
        }
      }
    }
  };
  walk(path.join(root, 'apps', 'orchestrator', 'src'));
  walk(path.join(root, 'libs', 'orchestrator-events-client', 'src', 'cli'));
  // Each opt-in module beside the core (src/<module>/) maps its own variables.
  const lib = path.join(root, 'libs', 'orchestrator-events', 'src');
  for (const entry of fs.readdirSync(lib, { withFileTypes: true })) {
    if (entry.isDirectory() && !['lib', 'testing'].includes(entry.name)) {
      walk(path.join(lib, entry.name));
    }
  }
  return [...names].sort();
}

/** Every problem of the variables' documentation: missing, twice, or unknown to the code. */
function variableProblems(known: string[], documented: Map<string, string[]>): string[] {
  const problems: string[] = [];
  for (const name of known) {
    const rows = documented.get(name) ?? [];
    if (rows.length === 0) problems.push(`${name} is read by the code but in no configuration row`);
    if (rows.length > 1) problems.push(`${name} is in ${rows.length} rows: ${rows.join(', ')}`);
  }
  for (const [name, rows] of documented) {
    if (!known.includes(name)) problems.push(`${name} (${rows.join(', ')}) is read by no code`);
  }
  return problems;
}

function readDocs(): Record<string, string> {
  return Object.fromEntries(
    docFiles().map((file) => [file, fs.readFileSync(path.join(ROOT, file), 'utf8')]),
  );
}

describe('documentation', () => {
  const docs = readDocs();
  const known = [...new Set([...Object.values(ENV_VARIABLES), ...appVariables()])].sort();

  it('every block marked as compiling type-checks against the workspace', () => {
    const blocks = Object.entries(docs).flatMap(([file, text]) => markedBlocks(file, text));
    // The README's app and the pages' examples are found (a broken marker would check nothing).
    expect(blocks.map((b) => b.file)).toEqual(
      expect.arrayContaining(['README.md', 'docs/usage.md', 'docs/configuration.md']),
    );
    expect(typeCheck(blocks)).toEqual([]);
  }, 300_000);

  it('a block that does not compile is reported with its file and line', () => {
    const text = 'intro\n\n<!-- compiles -->\n\n```ts\nconst n: number = "x";\n```\n';
    const blocks = markedBlocks('docs/broken.md', text);
    expect(blocks).toEqual([{ file: 'docs/broken.md', line: 6, code: 'const n: number = "x";\n' }]);
    expect(typeCheck(blocks)).toEqual([
      "docs/broken.md:6: TS2322 Type 'string' is not assignable to type 'number'.",
    ]);
  }, 300_000);

  it('finds the variables the demo app and the CLI read', () => {
    expect(appVariables()).toEqual(
      expect.arrayContaining([
        'HOST',
        'PORT',
        'HTTP_MAX_CONNECTIONS',
        'DEMO_QUEUE',
        'ORCH_EVENTS_URL',
      ]),
    );
  });

  it('every environment variable the code reads is in exactly one configuration row', () => {
    expect(variableProblems(known, documentedVariables(docs))).toEqual([]);
  });

  it('every option is in one configuration row only', () => {
    const twice = [...documentedOptionRows(docs)].filter(([, rows]) => rows.length > 1);
    expect(twice).toEqual([]);
    expect(documentedOptionRows(docs).get('orchId')).toHaveLength(1);
  });

  it('every page of docs/ is linked from the README', () => {
    const linked = [...docs['README.md'].matchAll(/\]\((docs\/[^)#]+\.md)(?:#[^)]*)?\)/g)].map(
      (match) => match[1],
    );
    const unlinked = docFiles().filter((file) => file !== 'README.md' && !linked.includes(file));
    expect(unlinked).toEqual([]);
  });

  it("the pages' links to files of the repository lead somewhere", () => {
    const broken: string[] = [];
    for (const [file, text] of Object.entries(docs)) {
      if (file === 'README.md') continue; // it also links pages that other branches bring
      for (const match of text.matchAll(/\]\(([^)#:\s]+)(?:#[^)]*)?\)/g)) {
        const target = path.join(ROOT, path.dirname(file), match[1]);
        if (!fs.existsSync(target)) broken.push(`${file}: ${match[1]}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('reports a variable missing, documented twice, or unknown', () => {
    const table = (rows: string) => `| variable | option |\n| --- | --- |\n${rows}`;
    const documented = documentedVariables({
      'a.md': table('| `ORCH_ID` | `orchId` |\n| `NOT_READ` | — |\n'),
      'b.md': table('| `ORCH_ID` / `PORT` | — |\n'),
    });
    expect(variableProblems(['ORCH_ID', 'PORT', 'HOST'], documented)).toEqual([
      'ORCH_ID is in 2 rows: a.md:3, b.md:3',
      'HOST is read by the code but in no configuration row',
      'NOT_READ (a.md:4) is read by no code',
    ]);
  });
});
