import { spawnSync } from 'node:child_process';

/**
 * Whether the Redis server of the tests (127.0.0.1:6379) answers. Without one, specs that need it
 * are skipped with a message saying how to run them; under CI (`.ci/run` starts Redis) a missing
 * server fails the run instead.
 */
export function redisAvailable(what: string): boolean {
  const up =
    spawnSync(
      process.execPath,
      [
        '-e',
        "require('net').connect(6379,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))",
      ],
      { timeout: 5000 },
    ).status === 0;
  if (!up) {
    const message =
      `${what} SKIPPED: no Redis server answers on 127.0.0.1:6379. Start one ` +
      '(apt-get install redis-server; redis-server --save "" --appendonly no) and run them again ' +
      '(.ci/run starts it by itself).';
    if (process.env['CI']) throw new Error(message);
    console.warn(message);
  }
  return up;
}

/** Polls `check` every 20 ms until it returns something, or throws after `ms`. */
export async function until<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 15_000,
  what = 'condition',
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
