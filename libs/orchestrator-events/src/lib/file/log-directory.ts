import * as fs from 'node:fs';
import * as path from 'node:path';
import { OrchestratorEventsConfigError } from '../orchestrator-events.errors';
import { MESSAGES } from '../orchestrator-events.messages';

/**
 * Creates the directory of a log file and checks that it can be written, so that a bad path fails
 * when the module starts (naming `setting`), not at the first event. Called by whoever opens the
 * file first, never while options are resolved: resolving has no side effects.
 */
export function prepareLogDirectory(file: string, setting: string): void {
  const dir = path.dirname(file);
  try {
    fs.mkdirSync(dir, { recursive: true });
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
