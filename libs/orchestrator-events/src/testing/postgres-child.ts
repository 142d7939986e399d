/**
 * Child process for the crash test: the core and the PostgreSQL store on the log file and database
 * given as arguments; logs events without end (printing "logging" once the store is ready) until
 * it is killed.
 */
import { createStoreApp } from './postgres-app';

const [logFile, url] = process.argv.slice(2);

createStoreApp({ orchId: 'o-crash', logFile }, { url }).then(
  async ({ logger, store }) => {
    await store.whenReady();
    process.stdout.write('logging\n');
    for (let n = 0; ; n++) {
      logger.log({ event: 'crash_burst', task_id: `t${n % 5}`, n });
      if (n % 200 === 199) await new Promise((r) => setTimeout(r, 1));
    }
  },
  (error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  },
);
