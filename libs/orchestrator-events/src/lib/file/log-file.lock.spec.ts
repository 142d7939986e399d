import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLogger } from '../../testing/logger-module';
import { mount, unmount } from '../../testing/mount';
import { tempDir } from '../../testing/temp-dir';
import { LogFileLock, LogFileLockedError } from './log-file.lock';

const CHILD = path.join(__dirname, '..', '..', 'testing', 'lock-child.ts');

/** Another process holding the lock of `file`, once it said so. */
function holder(file: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', CHILD, file],
      {
        env: {
          ...process.env,
          TS_NODE_PROJECT: path.join(__dirname, '..', '..', '..', 'tsconfig.spec.json'),
          TS_NODE_TRANSPILE_ONLY: 'true',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    const timer = setTimeout(
      () => reject(new Error(`lock child did not start: ${stderr}`)),
      30_000,
    );
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('locked')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on('exit', () => reject(new Error(`lock child exited: ${stderr}`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('LogFileLock', () => {
  let dir: string;
  let cleanup: () => void;
  let file: string;
  const children: ChildProcess[] = [];
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    file = path.join(dir, 'orch.log');
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map(killed));
    cleanup();
  });

  it('refuses a second writer in this process, and takes the lock again once released', async () => {
    const first = await LogFileLock.acquire(file);
    const refused = await LogFileLock.acquire(file).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LogFileLockedError);
    expect((refused as LogFileLockedError).holderPid).toBe(process.pid);
    first.release();
    (await LogFileLock.acquire(file)).release();
  });

  it('names the file and the pid of the process that holds it, in one line', async () => {
    const other = await holder(file);
    children.push(other);
    const refused = (await LogFileLock.acquire(file).catch((e: unknown) => e)) as Error;
    expect(refused).toBeInstanceOf(LogFileLockedError);
    expect(refused.message).toBe(
      `Event log ${fs.realpathSync(dir)}/orch.log (ORCH_LOG_FILE) is in use: another process ` +
        `(pid ${other.pid}) holds it. One file takes one writer: give each process its own ` +
        'ORCH_LOG_FILE, or stop the other one.',
    );
    // The same file under another name (a symlinked directory) is the same lock.
    const alias = path.join(dir, 'alias');
    fs.symlinkSync(dir, alias);
    await expect(LogFileLock.acquire(path.join(alias, 'orch.log'))).rejects.toThrow(
      `pid ${other.pid}`,
    );
  });

  describe('the same file under another path is the same lock', () => {
    const bindMount = (from: string, to: string) => mount(['--bind', from, to]);

    async function refusedThrough(alias: string, other: ChildProcess): Promise<void> {
      const refused = (await LogFileLock.acquire(alias).catch((e: unknown) => e)) as Error;
      expect(refused).toBeInstanceOf(LogFileLockedError);
      expect((refused as LogFileLockedError).holderPid).toBe(other.pid);
    }

    it('through a symlink to the file itself', async () => {
      const other = await holder(file);
      children.push(other);
      const link = path.join(dir, 'link.log');
      fs.symlinkSync(file, link);
      await refusedThrough(link, other);
      // The module refuses to start on it too, before writing anything.
      await expect(createLogger({ logFile: link })).rejects.toThrow(LogFileLockedError);
    });

    it('through a symlink made before the file exists', async () => {
      const link = path.join(dir, 'link.log');
      fs.symlinkSync(file, link);
      const other = await holder(link);
      children.push(other);
      await refusedThrough(file, other);
    });

    it('through a hard link', async () => {
      fs.writeFileSync(file, '');
      const other = await holder(file);
      children.push(other);
      const hard = path.join(dir, 'hard.log');
      fs.linkSync(file, hard);
      await refusedThrough(hard, other);
    });

    it('through a bind mount of its directory, and of the file itself', async () => {
      const other = await holder(file);
      children.push(other);
      const mounted = tempDir('orch-events-bind-');
      const alias = path.join(mounted.dir, 'alias.log');
      fs.writeFileSync(alias, '');
      const refusal = bindMount(dir, mounted.dir);
      if (refusal !== undefined) {
        console.log(`bind mount test skipped: mount --bind is refused here (${refusal})`);
        mounted.cleanup();
        return;
      }
      try {
        await refusedThrough(path.join(mounted.dir, 'orch.log'), other);
      } finally {
        unmount(mounted.dir);
      }
      expect(bindMount(file, alias)).toBeUndefined();
      try {
        await refusedThrough(alias, other);
      } finally {
        unmount(alias);
        mounted.cleanup();
      }
    });

    it('after the holder rotated: the lock follows the current file', async () => {
      const { module, logger } = await createLogger({ logFile: file, maxSize: '1k' });
      try {
        for (let n = 0; n < 50; n++) logger.info('fill', { n, pad: 'x'.repeat(100) });
        await logger.flush();
        expect(logger.stats().rotations).toBeGreaterThan(2);
        const hard = path.join(dir, 'hard.log');
        fs.linkSync(file, hard);
        const refused = await LogFileLock.acquire(hard).catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(LogFileLockedError);
      } finally {
        await module.close();
      }
      // Closed: the lock is free, whatever the path.
      (await LogFileLock.acquire(path.join(dir, 'hard.log'))).release();
    });
  });

  it('is free at once when its holder is SIGKILLed: no stale lock blocks a restart', async () => {
    const other = await holder(file);
    await killed(other);
    const lock = await LogFileLock.acquire(file);
    lock.release();
  });

  it('stops the module before it touches the file: no repair, no line, while another holds it', async () => {
    // A torn last line that the start-up repair would end with a newline.
    fs.writeFileSync(file, '{"event":"torn');
    children.push(await holder(file));
    await expect(createLogger({ logFile: file })).rejects.toThrow(LogFileLockedError);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"event":"torn');

    await Promise.all(children.splice(0).map(killed));
    const { module, logger } = await createLogger({ logFile: file });
    logger.info('after_restart');
    await module.close();
    const [torn, ...lines] = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(torn).toBe('{"event":"torn');
    const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ event: 'after_restart' }),
        expect.objectContaining({ event: 'torn_lines_found', torn_lines: 1 }),
      ]),
    );
  });
});
