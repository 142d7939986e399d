import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The version of `@orchestrator/events-client`, from its package.json: two levels above `src/cli`
 * both in the workspace (`libs/orchestrator-events-client`) and in the installed package.
 */
export function cliVersion(): string {
  const file = join(__dirname, '..', '..', 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
