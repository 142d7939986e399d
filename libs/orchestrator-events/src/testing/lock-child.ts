/**
 * Child process for the lock test: takes the lock of the event log given as first argument, says
 * "locked", and waits to be killed.
 */
import { LogFileLock } from '../lib/file/log-file.lock';

LogFileLock.acquire(process.argv[2]).then(
  () => {
    process.stdout.write('locked\n');
    setInterval(() => undefined, 1000);
  },
  (error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  },
);
