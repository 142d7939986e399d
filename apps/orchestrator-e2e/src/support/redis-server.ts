import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import Redis from 'ioredis';
import { freePort } from './app-process';

/** The shared server `.ci/run` starts; tests use their own stream key on it. */
export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379';

/** Whether a Redis server answers on 127.0.0.1:6379 and `redis-server` can be started (checked synchronously, at load). */
export function redisAvailability(): { shared: boolean; binary: boolean } {
  const shared =
    spawnSync(
      process.execPath,
      [
        '-e',
        "require('net').connect(6379,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))",
      ],
      { timeout: 5000 },
    ).status === 0;
  const binary = spawnSync('redis-server', ['--version'], { timeout: 5000 }).status === 0;
  return { shared, binary };
}

/**
 * Skips a Redis test file with a message saying how to run it, or fails it under CI (CI=true),
 * where missing Redis must not pass silently. Returns whether the tests can run.
 */
export function requireRedis(what: string, needBinary: boolean): boolean {
  const { shared, binary } = redisAvailability();
  if (shared && (binary || !needBinary)) return true;
  const missing = [
    shared ? undefined : 'no Redis server answers on 127.0.0.1:6379',
    binary || !needBinary ? undefined : 'redis-server is not installed',
  ].filter(Boolean);
  const message =
    `${what} SKIPPED: ${missing.join(' and ')}. Install and start it ` +
    '(apt-get install redis-server; redis-server --save "" --appendonly no --daemonize yes), ' +
    'then run "npx nx run orchestrator-e2e:test" (.ci/run does both).';
  if (process.env['CI']) throw new Error(message);
  console.warn(message);
  return false;
}

/** A redis-server of the test's own (no persistence), on a port it keeps across restarts. */
export interface OwnRedis {
  port: number;
  url: string;
  /** Kills the server (SIGKILL: an abrupt outage). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

export async function ownRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const server: OwnRedis = {
    port,
    url,
    async start() {
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => 50, protocol: 2 });
      probe.on('error', () => undefined);
      try {
        const end = Date.now() + 10_000;
        for (;;) {
          try {
            if (probe.status !== 'ready') await probe.connect();
            if ((await probe.ping()) === 'PONG') return;
          } catch {
            if (Date.now() > end) throw new Error(`redis-server on ${port} did not start`);
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      } finally {
        probe.disconnect();
      }
    },
    kill: () =>
      new Promise<void>((resolve) => {
        const running = child;
        if (!running || running.exitCode !== null || running.signalCode !== null) return resolve();
        running.once('exit', () => resolve());
        running.kill('SIGKILL');
      }),
  };
  await server.start();
  return server;
}
