import * as fs from 'node:fs';
import * as path from 'node:path';
import { OrchestratorEventsConfigError } from '../shared/orchestrator-events.errors';
import { MESSAGES } from '../shared/orchestrator-events.messages';

/**
 * Creates the directory of a log file and checks that it can be written, so that a bad path fails
 * when the module starts (naming `setting`), not at the first event. Called by whoever opens the
 * file first, never while options are resolved: resolving has no side effects.
 */
export function prepareLogDirectory(file: string, setting: string): void {
  const dir = path.dirname(file);
  try {
    makeDirectory(dir);
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new OrchestratorEventsConfigError(
      setting,
      file,
      MESSAGES.logDirectoryUnusable(dir, code),
    );
  }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) {
    throw new OrchestratorEventsConfigError(setting, file, MESSAGES.logPathIsDirectory());
  }
}

/**
 * `mkdir -p dir`, failing with the real cause. Node's recursive mkdir reports ENOENT for any
 * failure to create a level (EROFS on a read-only file system, for one): the levels are then made
 * one at a time, from the deepest that exists, which fails with the system's own code.
 */
export function makeDirectory(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const missing: string[] = [];
    for (let at = dir; !fs.existsSync(at); at = path.dirname(at)) {
      missing.unshift(at);
      if (path.dirname(at) === at) break;
    }
    for (const level of missing) {
      try {
        fs.mkdirSync(level);
      } catch (levelErr) {
        // Made meanwhile by another process: as good as made here.
        if ((levelErr as NodeJS.ErrnoException).code !== 'EEXIST') throw levelErr;
      }
    }
  }
}
