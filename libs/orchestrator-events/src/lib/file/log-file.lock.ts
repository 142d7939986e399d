import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogFileLockedError } from '../shared/orchestrator-events.errors';

export { LogFileLockedError };

/** How long a holder has to say its pid before the lock counts as held by an unknown process. */
const ASK_TIMEOUT_MS = 2000;
/** Times the path may move to another file between its lock and the check (a holder rotating). */
const MAX_ATTEMPTS = 5;

/** A file's identity: its device and inode, whatever the path that reached it. */
type Identity = { dev: bigint; ino: bigint };

/** A lock held on one identity. */
interface Held {
  server: net.Server;
  socketFile: string | undefined;
}

/**
 * One writer per event log, across processes. Two writers on one file lose and duplicate events and
 * break rotation, so the second one must not start.
 *
 * The lock is keyed on the file's identity (device and inode), not on a path: a symlink to the file
 * or to its directory, a hard link and a bind mount all reach the same inode, so the same lock.
 * Rotation puts a new file (a new inode) at the path, so the writer has the lock take each new
 * file before it becomes the current one (`take`), then let the old one go (`keepOnly`).
 *
 * Each identity's lock is a listening local socket named after it: on Linux in the abstract
 * namespace, elsewhere a named pipe (Windows) or a socket file in the temp directory. The kernel
 * frees it when the process ends in any way, SIGKILL included, so no stale lock ever blocks a
 * restart (a socket file left behind is detected by a refused connection and replaced). The holder
 * answers each connection with its pid, which the refused process names in its error.
 */
export class LogFileLock {
  private readonly held = new Map<string, Held>();

  private constructor(
    /** The locked file, as its real path. */
    readonly file: string,
  ) {}

  /**
   * Takes the lock of `file`, creating the file when it does not exist yet (its directory must
   * exist): a file's identity exists only once the file does.
   * @throws LogFileLockedError when a live process holds it.
   */
  static async acquire(file: string): Promise<LogFileLock> {
    for (let attempt = 1; ; attempt++) {
      const identity = createAndIdentify(file);
      const lock = new LogFileLock(fs.realpathSync(file));
      const address = lockAddress(identity);
      if (lock.bind(address)) {
        // The path may have moved on to another file meanwhile (its holder rotated, and let this
        // identity go): the lock must be that of the file now at the path.
        const now = fs.statSync(file, { bigint: true, throwIfNoEntry: false });
        if (now !== undefined && sameIdentity(now, identity)) return lock;
        lock.release();
        if (attempt < MAX_ATTEMPTS) continue;
      }
      const holder = await askHolder(address.address);
      if (holder === 'gone' && attempt < MAX_ATTEMPTS) {
        // The holder ended meanwhile, or left a socket file behind: nobody listens any more.
        if (address.socketFile !== undefined) fs.rmSync(address.socketFile, { force: true });
        continue;
      }
      throw new LogFileLockedError(lock.file, typeof holder === 'number' ? holder : undefined);
    }
  }

  /**
   * Locks the file open at `fd` too, before it becomes the current file (rotation, a reopen).
   * @throws LogFileLockedError when another process holds it.
   */
  take(fd: number): void {
    const identity = fs.fstatSync(fd, { bigint: true });
    const address = lockAddress(identity);
    if (this.held.has(address.address)) return;
    // Our own new file: a socket file of its identity can only be a dead process's.
    if (address.socketFile !== undefined) fs.rmSync(address.socketFile, { force: true });
    if (!this.bind(address)) throw new LogFileLockedError(this.file, undefined);
  }

  /** Frees the locks of every file but the one open at `fd` (the old file after a rotation). */
  keepOnly(fd: number): void {
    const keep = lockAddress(fs.fstatSync(fd, { bigint: true })).address;
    for (const address of [...this.held.keys()]) if (address !== keep) this.free(address);
  }

  /** Frees the lock (after the last write). */
  release(): void {
    for (const address of [...this.held.keys()]) this.free(address);
  }

  /** Listens on `address`, synchronously: the bind is done (or refused) when `listen()` returns. */
  private bind({ address, socketFile }: { address: string; socketFile?: string }): boolean {
    const server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.end(`${process.pid}\n`);
    });
    // A refused bind is known from `listening` at once; its 'error' event only follows.
    server.on('error', () => undefined);
    server.listen(address);
    if (!server.listening) return false;
    // The lock must not keep the process alive on its own.
    server.unref();
    this.held.set(address, { server, socketFile });
    return true;
  }

  private free(address: string): void {
    const held = this.held.get(address);
    if (held === undefined) return;
    this.held.delete(address);
    held.server.close();
    if (held.socketFile !== undefined) fs.rmSync(held.socketFile, { force: true });
  }
}

/** Opens `file` for appending (creating it, through a symlink too) and returns its identity. */
function createAndIdentify(file: string): Identity {
  const fd = fs.openSync(file, 'a');
  try {
    return fs.fstatSync(fd, { bigint: true });
  } finally {
    fs.closeSync(fd);
  }
}

function sameIdentity(a: Identity, b: Identity): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

function lockAddress({ dev, ino }: Identity): { address: string; socketFile?: string } {
  const id = createHash('sha256').update(`${dev}:${ino}`).digest('hex').slice(0, 32);
  if (process.platform === 'linux') return { address: `\0orch-events/${id}` };
  if (process.platform === 'win32') return { address: `\\\\?\\pipe\\orch-events-${id}` };
  const socketFile = path.join(os.tmpdir(), `orch-events-${id}.sock`);
  return { address: socketFile, socketFile };
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
