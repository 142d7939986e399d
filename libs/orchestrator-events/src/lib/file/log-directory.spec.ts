import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../../testing/temp-dir';
import { OrchestratorEventsConfigError } from '../shared/orchestrator-events.errors';
import { prepareLogDirectory } from './log-directory';

/** The error `prepareLogDirectory` throws for `file`, or undefined. */
function failure(file: string): Error | undefined {
  try {
    prepareLogDirectory(file, 'ORCH_LOG_FILE');
    return undefined;
  } catch (err) {
    return err as Error;
  }
}

describe('prepareLogDirectory', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('orch-logdir-')));
  afterEach(() => cleanup());

  it('creates missing directories, several levels deep', () => {
    const file = path.join(dir, 'a', 'b', 'orch.log');
    expect(failure(file)).toBeUndefined();
    expect(fs.statSync(path.dirname(file)).isDirectory()).toBe(true);
  });

  it('names the real cause when a parent is a file (ENOTDIR)', () => {
    fs.writeFileSync(path.join(dir, 'plain'), '');
    const err = failure(path.join(dir, 'plain', 'sub', 'orch.log'));
    expect(err).toBeInstanceOf(OrchestratorEventsConfigError);
    expect(err?.message).toMatch(/ORCH_LOG_FILE.*\(ENOTDIR\)/s);
  });

  describe('on a read-only file system (a tmpfs mounted ro)', () => {
    let ro: string | undefined;
    beforeEach(() => {
      ro = path.join(dir, 'ro');
      fs.mkdirSync(ro);
      const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', ro], {
        encoding: 'utf8',
      });
      if (mounted.status !== 0) {
        // Not root, or no mount in this sandbox: said here, not skipped silently.
        process.stdout.write(
          `log-directory EROFS tests SKIPPED: mount -t tmpfs -o ro failed (${(mounted.stderr || String(mounted.error)).trim()})\n`,
        );
        ro = undefined;
      }
    });
    afterEach(() => {
      if (ro !== undefined) spawnSync('umount', [ro]);
    });

    it('reports EROFS, not ENOENT, for a directory to create there, one level or several', () => {
      if (ro === undefined) return;
      for (const file of [path.join(ro, 'logs', 'orch.log'), path.join(ro, 'a', 'b', 'orch.log')]) {
        const err = failure(file);
        expect(err).toBeInstanceOf(OrchestratorEventsConfigError);
        expect(err?.message).toContain('(EROFS)');
      }
    });

    it('reports EROFS for the mount point itself', () => {
      if (ro === undefined) return;
      expect(failure(path.join(ro, 'orch.log'))?.message).toContain('(EROFS)');
    });
  });
});
