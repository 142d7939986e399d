import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { perTest } from './per-test';

/** A fresh directory under the OS temp dir; `cleanup()` removes it. */
export function tempDir(prefix = 'orch-events-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Every line of a file, parsed; throws on a line that does not parse. */
export function readEvents(file: string): Record<string, unknown>[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The paths `useTempLogFile` hands out; read them inside a test or hook, where they are set. */
export interface TempLogFile {
  /** The test's own temp directory. */
  readonly dir: string;
  /** The log file's path in it (it is not created). */
  readonly file: string;
}

/**
 * Gives each test of the calling `describe` a fresh temp dir (made in `beforeEach`, removed in
 * `afterEach`) and a log file path in it: `dir/orch.log`, or `dir/<segments...>` when given.
 */
export function useTempLogFile(...segments: string[]): TempLogFile {
  const now = perTest(
    'useTempLogFile',
    () => {
      const { dir, cleanup } = tempDir();
      return {
        dir,
        file: path.join(dir, ...(segments.length > 0 ? segments : ['orch.log'])),
        cleanup,
      };
    },
    ({ cleanup }) => cleanup(),
  );
  return {
    get dir() {
      return now().dir;
    },
    get file() {
      return now().file;
    },
  };
}
