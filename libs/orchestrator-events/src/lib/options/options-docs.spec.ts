import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CORE_OPTIONS, DEFAULT_REDACT_KEYS } from './core-options.table';
import { parseSize } from './option-readers';
import { resolveOptions } from './resolve-options';

/**
 * Configuration has one source, the JSDoc of `OrchestratorEventsModuleOptions`: this checks that
 * the code (the rows of `CORE_OPTIONS`: their variables, the defaults `resolveOptions` applies)
 * and the configuration table (docs/configuration.md) say what it says, so none of the three can
 * drift from the others. (A row missing for an option of the interface does not compile.)
 */
const ROOT = path.join(__dirname, '..', '..', '..', '..', '..');
const OPTIONS_SOURCE = fs.readFileSync(
  path.join(__dirname, 'orchestrator-events.options.ts'),
  'utf8',
);

interface Documented {
  option: string;
  env: string | undefined;
  /** The default as written: what is in its first backticks (`10m`), or its first word (unset). */
  fallback: string;
}

/** Each option of the interface, with what its JSDoc says. */
function documentedOptions(): Documented[] {
  const body = OPTIONS_SOURCE.slice(
    OPTIONS_SOURCE.indexOf('export interface OrchestratorEventsModuleOptions'),
  );
  const interfaceBody = body.slice(0, body.indexOf('\n}\n'));
  const out: Documented[] = [];
  for (const match of interfaceBody.matchAll(/\/\*\*([\s\S]*?)\*\/\s*(\w+)\?:/g)) {
    const doc = match[1].replace(/\s*\n\s*\*\s*/g, ' ');
    const env = /Env `([A-Z_]+)`/.exec(doc)?.[1];
    const found = /default (?:`([^`]+)`|(\w+))/.exec(doc);
    const fallback = found?.[1] ?? found?.[2];
    if (match[2] === 'env') continue;
    out.push({ option: match[2], env, fallback: fallback ?? '(none)' });
  }
  return out;
}

/** The configuration table of docs/configuration.md: variable → [option, default]. */
function documentedTable(): Map<string, { option: string; fallback: string }> {
  const section = fs.readFileSync(path.join(ROOT, 'docs', 'configuration.md'), 'utf8');
  const rows = new Map<string, { option: string; fallback: string }>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const option = /^`(\w+)`$/.exec(cells[2] ?? '')?.[1];
    if (option === undefined) continue;
    const variable = /^`([A-Z_]+)`$/.exec(cells[1])?.[1] ?? option;
    const found = /^(?:`([^`]+)`|(\w+))/.exec(cells[3]);
    rows.set(variable, { option, fallback: found?.[1] ?? found?.[2] ?? '' });
  }
  return rows;
}

describe('configuration docs', () => {
  const documented = documentedOptions();

  it('finds every option of the interface', () => {
    expect(documented.map((d) => d.option)).toEqual(
      expect.arrayContaining(['orchId', 'logFile', 'level', 'maxLineBytes', 'sseFastPath']),
    );
    // The parser reads the whole interface (not just its first options).
    expect(documented.length).toBeGreaterThanOrEqual(15);
  });

  it('the table has one row per option of the interface, in its order', () => {
    expect(Object.keys(CORE_OPTIONS)).toEqual(documented.map((d) => d.option));
  });

  it('each row has the variable the JSDoc names (null: none)', () => {
    for (const { option, env } of documented) {
      const row = CORE_OPTIONS[option as keyof typeof CORE_OPTIONS];
      expect({ option, env: row.env }).toEqual({ option, env: env ?? null });
    }
  });

  it('resolveOptions applies the defaults the JSDoc names', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orch-docs-'));
    try {
      const resolved = resolveOptions({ env: {}, logFile: path.join(dir, 'x.log') }) as unknown;
      const values = resolved as Record<string, unknown>;
      for (const { option, fallback } of documented) {
        if (option === 'logFile') continue;
        const expected =
          fallback === 'unset'
            ? undefined
            : fallback === 'DEFAULT_REDACT_KEYS'
              ? DEFAULT_REDACT_KEYS
              : /^(true|false)$/.test(fallback)
                ? fallback === 'true'
                : /^[A-Z]+$/.test(fallback) || /[^0-9kmg]/.test(fallback)
                  ? fallback
                  : parseSize(fallback);
        expect({ option, value: values[option] }).toEqual({ option, value: expected });
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the configuration page has each option with its variable and default', () => {
    const table = documentedTable();
    for (const { option, env, fallback } of documented) {
      expect({ option, row: table.get(env ?? option) }).toEqual({
        option,
        row: { option, fallback },
      });
    }
  });
});
