import { run } from './cli.runner';

/**
 * The `orch-events` process (`bin.ts` runs it): wires signals and the real
 * stdio to `run()`, then leaves with its exit code.
 */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  // `once`: a second Ctrl-C falls back to Node's default and ends the process at once.
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const code = await run(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: stop.signal,
  });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.exitCode = code;
  // Everything is closed by now; should a socket linger, do not hang the shell for it.
  setTimeout(() => process.exit(code), 2000).unref();
}
