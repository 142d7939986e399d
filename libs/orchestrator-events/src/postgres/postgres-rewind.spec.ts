import * as path from 'node:path';
import { createStoreApp, untilStored } from '../testing/postgres-app';
import { createTestDatabase, postgresAvailable, sql } from '../testing/require-postgres';
import { readEvents, tempDir } from '../testing/temp-dir';

const run = postgresAvailable('PostgreSQL checkpoint rewind test') ? describe : describe.skip;

/**
 * The store commits with `synchronous_commit = off`: a server that crashes may lose the last
 * commits it acknowledged, rows and checkpoint together. The ingest must then read those lines
 * from the files again, though it had passed them. Here the loss is made by hand, in one
 * transaction on the real server (a crash loses exactly that: the newest rows and the checkpoint
 * that covered them), while the store keeps running and its connection stays up.
 */
run('a database that lost acknowledged commits', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: ReturnType<typeof tempDir>;

  beforeEach(async () => {
    db = await createTestDatabase();
    dir = tempDir();
  });
  afterEach(async () => {
    await db.drop();
    dir.cleanup();
  });

  it('gets the lost events again from the files: every event once', async () => {
    const logFile = path.join(dir.dir, 'o.log');
    const app = await createStoreApp({ orchId: 'o-rw', logFile }, { url: db.url });
    try {
      await app.store.whenReady();
      for (let i = 0; i < 100; i++) app.logger.log({ event: 'first', task_id: 't', n: i });
      await app.logger.flush();
      await untilStored(db.url, 'o-rw', 100);

      const written = readEvents(logFile).map((e) => e['event_id'] as string);
      const kept = written[49];
      await sql(
        db.url,
        `BEGIN;
         DELETE FROM orchestrator_events.events WHERE orch_id = 'o-rw' AND event_id > '${kept}';
         UPDATE orchestrator_events.ingest_checkpoints SET last_event_id = '${kept}'
           WHERE orch_id = 'o-rw';
         COMMIT;`,
      );

      for (let i = 0; i < 100; i++) app.logger.log({ event: 'second', task_id: 't', n: i });
      await app.logger.flush();
      await untilStored(db.url, 'o-rw', 200, 20_000);

      const all = readEvents(logFile).map((e) => e['event_id'] as string);
      const stored = await sql<{ event_id: string }>(
        db.url,
        "SELECT event_id FROM orchestrator_events.events WHERE orch_id = 'o-rw' ORDER BY event_id",
      );
      expect(stored.map((r) => r.event_id)).toEqual([...all].sort());
      const checkpoint = await sql<{ last_event_id: string }>(
        db.url,
        "SELECT last_event_id FROM orchestrator_events.ingest_checkpoints WHERE orch_id = 'o-rw'",
      );
      expect(checkpoint[0].last_event_id).toBe(all[all.length - 1]);
    } finally {
      await app.module.close();
    }
  });
});
