/**
 * Child process for the shutdown test: a Nest app that logs N events in one synchronous burst (so
 * they are still queued), says "logged", and waits for a signal. Another provider logs one more
 * event from its own onApplicationShutdown. With `exit` as third argument it calls `process.exit()`
 * right after the burst instead: no shutdown hook runs, only the process's 'exit' handlers.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startChildApp } from './child-app';

async function main(): Promise<void> {
  const events = await startChildApp(async (logger, signal) => {
    await sleep(20);
    logger.info('late_shutdown_event', { signal });
  }, true);
  const count = Number(process.argv[3]);
  for (let n = 0; n < count; n++) events.info('burst', { task_id: `t-${n % 10}`, n });
  if (process.argv[4] === 'exit') process.exit(0);
  process.stdout.write('logged\n');
  setInterval(() => undefined, 1000);
}

void main();
