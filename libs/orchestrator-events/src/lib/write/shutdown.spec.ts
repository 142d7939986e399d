import { ChildProcessByStdio, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { readEvents, tempDir } from '../../testing/temp-dir';
import { logFilesNewestFirst } from '../file/log-files';
import { mount, unmount } from '../../testing/mount';

const CHILD = path.join(__dirname, '..', '..', 'testing', 'shutdown-child.ts');
const TS_NODE_ENV = {
  TS_NODE_PROJECT: path.join(__dirname, '..', '..', '..', 'tsconfig.spec.json'),
  TS_NODE_TRANSPILE_ONLY: 'true',
};

/** How a child process ended: its exit code or signal, and all it wrote on stderr. */
type Ended = { code: number | null; signal: string | null; stderr: string };

/**
 * Runs a testing child under ts-node with `env` added; `onStdout` sees each chunk of its stdout
 * (to signal it at the right moment). Fails, killing it, when it has not ended after `timeoutMs`.
 */
function runTsChild(
  script: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
  onStdout: (text: string, child: ChildProcessByStdio<null, Readable, Readable>) => void,
): Promise<Ended> {
  return new Promise<Ended>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', script, ...args],
      { env: { ...process.env, ...TS_NODE_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not finish: ${stderr}`));
    }, timeoutMs);
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d: Buffer) => onStdout(d.toString(), child));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

function runChild(file: string, count: number, signal: NodeJS.Signals | 'exit'): Promise<Ended> {
  return runTsChild(CHILD, [file, String(count), signal], {}, 30_000, (text, child) => {
    if (signal !== 'exit' && text.includes('logged')) child.kill(signal);
  });
}

function eventsIn(file: string) {
  return logFilesNewestFirst(file, 5)
    .reverse()
    .filter((f) => fs.existsSync(f))
    .flatMap((f) => readEvents(f));
}

describe.each(['SIGTERM', 'SIGINT'] as const)('shutdown on %s', (signal) => {
  it('writes every event, also from later shutdown hooks, and exits 0', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'orch.log');
      const result = await runChild(file, 10_000, signal);
      expect(result).toEqual({ code: 0, signal: null, stderr: '' });
      const events = eventsIn(file);
      const burst = events.filter((e) => e['event'] === 'burst').map((e) => e['n']);
      expect(burst).toEqual(Array.from({ length: 10_000 }, (_, n) => n));
      // The app's own shutdown hooks log first; the module's orchestrator_stopped is the last line.
      expect(events[events.length - 2]).toMatchObject({ event: 'late_shutdown_event', signal });
      expect(events[events.length - 1]).toMatchObject({
        event: 'orchestrator_stopped',
        level: 'INFO',
        signal,
        message: `stopped on ${signal}`,
        logged: 10_001,
        dropped: 0,
      });
      expect(events[events.length - 1]['uptime_ms']).toEqual(expect.any(Number));
    } finally {
      cleanup();
    }
  });
});

it('writes every event still queued when the app calls process.exit() at once', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, 'orch.log');
    const result = await runChild(file, 10_000, 'exit');
    expect(result).toEqual({ code: 0, signal: null, stderr: '' });
    const burst = eventsIn(file).map((e) => e['n']);
    expect(burst).toEqual(Array.from({ length: 10_000 }, (_, n) => n));
  } finally {
    cleanup();
  }
});

describe('SIGTERM while the disk is full', () => {
  const FULL_CHILD = path.join(__dirname, '..', '..', 'testing', 'disk-full-child.ts');

  /** A 2 MiB tmpfs with 1.5 MiB taken by `filler`, or why it cannot be mounted here. */
  function smallDisk(): { dir: string; filler: string; cleanup: () => void } | string {
    const { dir, cleanup } = tempDir();
    const refusal = mount(['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir]);
    if (refusal !== undefined) {
      cleanup();
      return refusal;
    }
    const filler = path.join(dir, 'filler');
    fs.writeFileSync(filler, Buffer.alloc(1536 * 1024, 'f'));
    return {
      dir,
      filler,
      cleanup: () => {
        unmount(dir);
        cleanup();
      },
    };
  }

  /** Runs `test` on a fresh small disk and removes it after; skips (with a note) where tmpfs cannot be mounted. */
  async function onSmallDisk(
    test: (disk: { file: string; filler: string }) => Promise<void>,
  ): Promise<void> {
    const disk = smallDisk();
    if (typeof disk === 'string') {
      console.log(`full-disk shutdown test skipped: cannot mount a tmpfs here (${disk})`);
      return;
    }
    try {
      await test({ file: path.join(disk.dir, 'orch.log'), filler: disk.filler });
    } finally {
      disk.cleanup();
    }
  }

  /** Runs the child until the disk is full, sends SIGTERM, then calls `afterSignal`. */
  async function runFull(
    file: string,
    retryMs: number,
    afterSignal: () => void = () => undefined,
    mode: 'exit' | 'reraise' = 'exit',
  ): Promise<Ended & { logged: number }> {
    let logged = -1;
    const env = { ORCH_SHUTDOWN_RETRY_MS: String(retryMs) };
    const ended = await runTsChild(FULL_CHILD, [file, mode], env, 60_000, (text, child) => {
      const full = /full (\d+)/.exec(text);
      if (full === null) return;
      logged = Number(full[1]);
      child.kill('SIGTERM');
      afterSignal();
    });
    return { ...ended, logged };
  }

  /** The one stderr line the process writes when events could not be written before it exits. */
  function lostNotice(lost: number, file: string, retryMs: number): string {
    return (
      `orchestrator-events: ${lost} events were lost: they could not be written to ${file} ` +
      `(ENOSPC: no space left on device, write), retried for ${retryMs} ms at shutdown (ORCH_SHUTDOWN_RETRY_MS)\n`
    );
  }

  /** Every line of the file, parsed; a torn line (no newline at the end, or not JSON) fails here. */
  function wholeLines(file: string): Record<string, unknown>[] {
    const text = fs.readFileSync(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    return readEvents(file);
  }

  it('retries for ORCH_SHUTDOWN_RETRY_MS, then says on stderr how many events were lost and where, and exits 1', () =>
    onSmallDisk(async (disk) => {
      const { file } = disk;
      const result = await runFull(file, 1000);
      const lines = wholeLines(file);
      const fills = lines.filter((e) => e['event'] === 'fill').map((e) => e['n']);
      expect(fills).toEqual(fills.map((_, n) => n));
      // Accepted: the fills, the job's shutdown failure and orchestrator_stopped.
      const lost = result.logged + 2 - lines.length;
      expect(lost).toBeGreaterThanOrEqual(300);
      expect(result.stderr).toBe(lostNotice(lost, file, 1000));
      expect(result.code).toBe(1);
    }));

  it('writes everything, in order, and exits 0 when space comes back within ORCH_SHUTDOWN_RETRY_MS', () =>
    onSmallDisk(async (disk) => {
      const { file } = disk;
      const result = await runFull(file, 60_000, () =>
        setTimeout(() => fs.rmSync(disk.filler), 500),
      );
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const lines = wholeLines(file);
      const fills = lines.filter((e) => e['event'] === 'fill').map((e) => e['n']);
      expect(fills).toEqual(Array.from({ length: result.logged }, (_, n) => n));
      expect(lines.slice(-2)).toEqual([
        expect.objectContaining({ event: 'job_failed', signal: 'SIGTERM' }),
        expect.objectContaining({ event: 'orchestrator_stopped', signal: 'SIGTERM' }),
      ]);
    }));

  it('says how many were lost also when Nest ends the process by re-raising the signal', () =>
    onSmallDisk(async (disk) => {
      const { file } = disk;
      const result = await runFull(file, 500, undefined, 'reraise');
      const lines = wholeLines(file);
      const lost = result.logged + 2 - lines.length;
      expect(result.stderr).toBe(lostNotice(lost, file, 500));
      expect(result).toMatchObject({ code: null, signal: 'SIGTERM' });
    }));
});
