import * as fs from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import * as api from './index';
import { SseFastPath } from './lib/http/sse-fast-path.service';
import { SseHub } from './lib/http/sse-hub.service';
import { tempDir } from './testing/temp-dir';

/**
 * The public API is what the entry points export (the core's `index.ts` and each opt-in module's,
 * as `package.json` lists them), and the API page (docs/api.md) lists exactly that, one section per
 * entry point: a name added to one and not the other fails here.
 */
const ROOT = path.join(__dirname, '..', '..', '..');

/** Every name a barrel exports, values and types. */
function barrelNames(file: string): string[] {
  const source = fs.readFileSync(file, 'utf8');
  const names: string[] = [];
  for (const block of source.matchAll(/export (?:type )?\{([^}]*)\}/g)) {
    for (const item of block[1].split(',')) {
      const name = item
        .trim()
        .split(/\s+as\s+/)
        .pop();
      if (name) names.push(name);
    }
  }
  return names.sort();
}

/** The entry points of the package: `@orchestrator/events` and `@orchestrator/events/<name>`. */
function entryPoints(): Map<string, string> {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'),
  ) as { exports: Record<string, unknown> };
  const entries = new Map<string, string>();
  for (const key of Object.keys(manifest.exports)) {
    if (key === '.') entries.set('@orchestrator/events', path.join(__dirname, 'index.ts'));
    else if (key !== './package.json') {
      const name = key.slice(2);
      entries.set(`@orchestrator/events/${name}`, path.join(__dirname, name, 'index.ts'));
    }
  }
  return entries;
}

/**
 * The names in the first column of the tables of the API page, by section: a section starts at a
 * heading `## \`<entry point>\``, and ends at the next heading.
 */
function documentedNames(): Map<string, string[]> {
  const page = fs.readFileSync(path.join(ROOT, 'docs', 'api.md'), 'utf8');
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of page.split('\n')) {
    if (line.startsWith('#')) {
      const entry = /^## `(@orchestrator\/events[^`]*)`/.exec(line)?.[1];
      current = entry === undefined ? undefined : [];
      if (entry !== undefined && current !== undefined) sections.set(entry, current);
      continue;
    }
    const cell = /^\|\s*([^|]+?)\s*\|/.exec(line)?.[1];
    if (cell === undefined || current === undefined) continue;
    for (const match of cell.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)) current.push(match[1]);
  }
  for (const names of sections.values()) names.sort();
  return sections;
}

/** The core entry point stays what a user of the core writes (issue 22: at most 25 names). */
const CORE_MAX_NAMES = 25;

describe('public API', () => {
  it('the API page lists exactly what each entry point exports, one section each', () => {
    const entries = entryPoints();
    const documented = documentedNames();
    expect([...documented.keys()].sort()).toEqual([...entries.keys()].sort());
    for (const [entry, file] of entries) {
      expect({ entry, names: documented.get(entry) }).toEqual({ entry, names: barrelNames(file) });
    }
  });

  it(`the core entry point exports at most ${CORE_MAX_NAMES} names`, () => {
    const names = barrelNames(path.join(__dirname, 'index.ts'));
    expect(names.length).toBeLessThanOrEqual(CORE_MAX_NAMES);
    // The contract's names are imported from @orchestrator/events-contract, not from here.
    expect(names).not.toContain('OrchestratorEvent');
    expect(names).not.toContain('DEFAULT_EVENTS_PATH');
  });

  it('exports no internals', () => {
    for (const internal of [
      'SseHub',
      'SseFastPath',
      'MemoryEventBus',
      'RedisEventBus',
      'resolveOptions',
      'createEventsController',
      'EventWriter',
      'ORCH_EVENTS_OPTIONS',
      'EventBus',
    ]) {
      expect(Object.keys(api)).not.toContain(internal);
    }
  });

  it.each([
    ['SseHub', SseHub],
    ['SseFastPath', SseFastPath],
  ])('the module does not export %s to the app', async (_name, internal) => {
    @Injectable()
    class Reader {
      constructor(@Inject(internal) readonly value: unknown) {}
    }
    @Module({ providers: [Reader] })
    class UserModule {}
    const { dir, cleanup } = tempDir('orch-api-');
    try {
      const compiled = Test.createTestingModule({
        imports: [
          api.OrchestratorEventsModule.forRoot({
            env: {},
            logFile: path.join(dir, 'e.log'),
            controller: false,
          }),
          UserModule,
        ],
      }).compile();
      await expect(compiled).rejects.toThrow(/can't resolve dependencies of the Reader/);
    } finally {
      cleanup();
    }
  });
});
