import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const BIN = process.env['ORCH_TEST_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * A PostgreSQL server of the test's own (initdb in a temp dir, a free port, trust auth), that the
 * test can kill (`-m immediate`: a crash) and start again. As root, it runs as user postgres.
 */
export class OwnPostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** Whether the binaries are there (Debian's postgresql package). */
  static available(): boolean {
    return fs.existsSync(path.join(BIN, 'initdb')) && fs.existsSync(path.join(BIN, 'pg_ctl'));
  }

  static async create(): Promise<OwnPostgres> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orch-pg-'));
    if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', dir]);
    const server = new OwnPostgres(dir, await freePort());
    server.as([
      path.join(BIN, 'initdb'),
      '-D',
      path.join(dir, 'data'),
      '-A',
      'trust',
      '-U',
      'postgres',
    ]);
    return server;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  start(): void {
    this.pgCtl(
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      '-l',
      path.join(this.dir, 'log'),
      '-w',
      'start',
    );
  }

  /** A crash: no shutdown checkpoint, connections cut at once. */
  kill(): void {
    this.pgCtl('-m', 'immediate', '-w', 'stop');
  }

  /** `pg_ctl` on this server's data directory. */
  private pgCtl(...args: string[]): void {
    this.as([path.join(BIN, 'pg_ctl'), '-D', path.join(this.dir, 'data'), ...args]);
  }

  destroy(): void {
    try {
      this.kill();
    } catch {
      // Not running.
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private as(command: string[]): void {
    const root = process.getuid?.() === 0;
    const [file, ...args] = root ? ['runuser', '-u', 'postgres', '--', ...command] : command;
    execFileSync(file, args, { stdio: 'pipe', cwd: this.dir, timeout: 60_000 });
  }
}
