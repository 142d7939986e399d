import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readEvents, tempDir } from '../testing/temp-dir';
import { logFilesNewestFirst } from './file/log-files';

const CHILD = path.join(__dirname, '..', 'testing', 'shutdown-child.ts');
const TS_NODE_ENV = {
  TS_NODE_PROJECT: path.join(__dirname, '..', '..', 'tsconfig.spec.json'),
  TS_NODE_TRANSPILE_ONLY: 'true',
};

function runChild(file: string, count: number, signal: NodeJS.Signals | 'exit') {
  return new Promise<{ code: number | null; signal: string | null; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          '-r',
          'ts-node/register',
          '-r',
          'tsconfig-paths/register',
          CHILD,
          file,
          String(count),
          signal,
        ],
        {
          env: { ...process.env, ...TS_NODE_ENV },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`child did not finish: ${stderr}`));
      }, 30_000);
      child.stderr.on('data', (d) => (stderr += d));
      child.stdout.on('data', (d: Buffer) => {
        if (signal !== 'exit' && d.toString().includes('logged')) child.kill(signal);
      });
      child.on('exit', (code, sig) => {
        clearTimeout(timer);
        resolve({ code, signal: sig, stderr });
      });
    },
  );
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
