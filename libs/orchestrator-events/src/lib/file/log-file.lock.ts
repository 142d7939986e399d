import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogFileLockedError } from '../orchestrator-events.errors';

export { LogFileLockedError };

/** How long a holder has to say its pid before the lock counts as held by an unknown process. */
const ASK_TIMEOUT_MS = 2000;

/**
 * One writer per event log, across processes. Two writers on one file lose and duplicate events and
 * break rotation, so the second one must not start.
 *
 * The lock is a listening local socket named after the file's real path: on Linux in the abstract
 * namespace, elsewhere a named pipe (Windows) or a socket file in the temp directory. The kernel
 * frees it when the process ends in any way, SIGKILL included, so no stale lock ever blocks a
 * restart (a socket file left behind is detected by a refused connection and replaced). The holder
 * answers each connection with its pid, which the refused process names in its error.
 */
export class LogFileLock {
  private constructor(
    /** The locked file, as its real path. */
    readonly file: string,
    private readonly server: net.Server,
    private readonly socketFile: string | undefined,
  ) {}

  /**
   * Takes the lock of `file` (its directory must exist).
   * @throws LogFileLockedError when a live process holds it.
   */
  static async acquire(file: string): Promise<LogFileLock> {
    const real = path.join(fs.realpathSync(path.dirname(file)), path.basename(file));
    const { address, socketFile } = lockAddress(real);
    for (let attempt = 0; ; attempt++) {
      const server = net.createServer((socket) => {
        socket.on('error', () => undefined);
        socket.end(`${process.pid}\n`);
      });
      try {
        await listen(server, address);
        // The lock must not keep the process alive on its own.
        server.unref();
        return new LogFileLock(real, server, socketFile);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
        const holder = await askHolder(address);
        if (holder === 'gone' && socketFile !== undefined && attempt === 0) {
          // A socket file left by a process that died: nobody listens on it any more.
          fs.rmSync(socketFile, { force: true });
          continue;
        }
        throw new LogFileLockedError(real, typeof holder === 'number' ? holder : undefined);
      }
    }
  }

  /** Frees the lock (after the last write). */
  release(): void {
    this.server.close();
    if (this.socketFile !== undefined) fs.rmSync(this.socketFile, { force: true });
  }
}

function lockAddress(real: string): { address: string; socketFile?: string } {
  const id = createHash('sha256').update(real).digest('hex').slice(0, 32);
  if (process.platform === 'linux') return { address: `\0orch-events/${id}` };
  if (process.platform === 'win32') return { address: `\\\\?\\pipe\\orch-events-${id}` };
  const socketFile = path.join(os.tmpdir(), `orch-events-${id}.sock`);
  return { address: socketFile, socketFile };
}

function listen(server: net.Server, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The holder's pid; 'gone' when nobody listens; undefined when it did not answer in time. */
function askHolder(address: string): Promise<number | 'gone' | undefined> {
  return new Promise((resolve) => {
    let text = '';
    const socket = net.connect(address);
    const done = (value: number | 'gone' | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(undefined), ASK_TIMEOUT_MS);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => {
      const pid = Number.parseInt(text, 10);
      done(Number.isInteger(pid) && pid > 0 ? pid : undefined);
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      done(error.code === 'ECONNREFUSED' || error.code === 'ENOENT' ? 'gone' : undefined),
    );
  });
}
