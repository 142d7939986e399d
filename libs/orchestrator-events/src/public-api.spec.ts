import * as fs from 'node:fs';
import * as path from 'node:path';
import * as api from './index';

/**
 * The public API is what the barrel exports, and the API page (docs/api.md) lists exactly that:
 * a name added to one and not the other fails here.
 */
const ROOT = path.join(__dirname, '..', '..', '..');

/** Every name the barrel exports, values and types. */
function barrelNames(): string[] {
  const source = fs.readFileSync(path.join(__dirname, 'index.ts'), 'utf8');
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

/** The names in the first column of the tables of the API page. */
function documentedNames(): string[] {
  const section = fs.readFileSync(path.join(ROOT, 'docs', 'api.md'), 'utf8');
  const names: string[] = [];
  for (const line of section.split('\n')) {
    const cell = /^\|\s*([^|]+?)\s*\|/.exec(line)?.[1];
    if (cell === undefined) continue;
    for (const match of cell.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)) names.push(match[1]);
  }
  return names.sort();
}

describe('public API', () => {
  it('the API page lists exactly what the barrel exports', () => {
    expect(documentedNames()).toEqual(barrelNames());
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
    ]) {
      expect(Object.keys(api)).not.toContain(internal);
    }
  });
});
