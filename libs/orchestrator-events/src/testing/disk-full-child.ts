/**
 * Child process for the full-disk shutdown test: a Nest app whose event log (first argument) is on
 * a small file system. It logs batches of events until writing fails and at least 300 wait in
 * memory, says "full <count logged>", and waits for SIGTERM. Another provider logs one more event
 * from its own onApplicationShutdown, as jobs ending on shutdown do. The environment configures it.
 * With `reraise` as second argument, Nest ends the process by re-raising the signal instead.
 */
import { startChildApp } from './child-app';

async function main(): Promise<void> {
  const events = await startChildApp(
    (logger, signal) =>
      logger.error('job_failed', { task_id: 'late', signal, message: 'shutdown' }),
    // `reraise` as second argument: Nest re-raises the signal after the hooks (no exit handler runs).
    process.argv[3] !== 'reraise',
  );
  let n = 0;
  const fill = () => {
    for (let i = 0; i < 50; i++) {
      events.info('fill', { task_id: `t-${n % 8}`, n: n++, pad: 'x'.repeat(300) });
    }
    const stats = events.stats();
    if (stats.writeErrors > 0 && stats.pending >= 300) {
      process.stdout.write(`full ${n}\n`);
      return;
    }
    setImmediate(fill);
  };
  fill();
  setInterval(() => undefined, 1000);
}

void main();
