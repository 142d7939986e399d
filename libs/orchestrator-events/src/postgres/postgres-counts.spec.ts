import {
  CountsQuery,
  EventLevel,
  formatEventLine,
  OrchestratorEvent,
} from '@orchestrator/events-contract';
import { Pool } from 'pg';
import { filesCounts } from '../testing/files-counts';
import { createTestDatabase, postgresAvailable } from '../testing/require-postgres';
import { addLine, emptyColumns } from './event-rows';
import { queryCounts } from './postgres-counts.query';
import { dayOf, Partitions } from './postgres.partitions';
import { migrate } from './postgres.migrations';

const run = postgresAvailable('PostgreSQL counts test') ? describe : describe.skip;
const S = 'orchestrator_events';

run('PostgreSQL counts over days of events', () => {
  it('equals the files counts, widened buckets and every filter included', async () => {
    const db = await createTestDatabase();
    const pool = new Pool({ connectionString: db.url, max: 2 });
    try {
      await migrate(pool, S);
      // 600 events over three days, 7 min 13 s apart: bucket edges, levels and tasks vary.
      const t0 = Date.UTC(2026, 10, 20, 23, 59, 58, 999);
      const levels: EventLevel[] = ['DEBUG', 'INFO', 'WARNING', 'ERROR'];
      const events: OrchestratorEvent[] = [];
      for (let i = 0; i < 600; i++) {
        const ms = t0 + i * 433_000 + (i % 3);
        events.push({
          timestamp: new Date(ms)
            .toISOString()
            .replace('Z', `${String(i % 1000).padStart(3, '0')}Z`),
          level: levels[i % 4],
          logger: 'orchestrator_events',
          event: i % 5 === 0 ? 'job_failed' : 'job_step',
          event_id: `${ms}-${String(i).padStart(6, '0')}-o-${i % 2}`,
          orch_id: `o-${i % 2}`,
          task_id: `task-${i % 3}`,
          run_id: `run-${i % 7}`,
          message: i % 11 === 0 ? 'Quota exceeded' : 'fine',
          attempt: i % 4,
        } as OrchestratorEvent);
      }
      const columns = emptyColumns();
      for (const event of events) addLine(columns, formatEventLine(event));
      await new Partitions(pool, S).ensure(
        new Set(events.map((e) => dayOf(Date.parse(e.timestamp)))),
      );
      await pool.query(
        `INSERT INTO ${S}.events (ts, event_id, orch_id, level, event, task_id, run_id, search, extras, line)
         SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::smallint[], $5::text[],
           $6::text[], $7::text[], $8::text[], $9::jsonb[], $10::text[])`,
        [
          columns.ts,
          columns.event_id,
          columns.orch_id,
          columns.level,
          columns.event,
          columns.task_id,
          columns.run_id,
          columns.search,
          columns.extras,
          columns.line,
        ],
      );
      const mid = new Date(t0 + 86_400_000).toISOString();
      const queries: CountsQuery[] = [
        {},
        { bucket: 1 },
        { bucket: 60 },
        { bucket: 3600, level: 'WARNING' },
        { bucket: 604_800 },
        { task_id: 'task-1', event: ['job_failed'] },
        { run_id: 'run-3', bucket: 300 },
        { q: 'quota', bucket: 3600 },
        { extras: { attempt: '2' } },
        { since: mid, bucket: 1 },
        { since: mid, until: new Date(t0 + 2 * 86_400_000).toISOString(), bucket: 7 },
      ];
      for (const query of queries) {
        const want = filesCounts(events, query);
        expect({ query, page: await queryCounts(pool, S, query) }).toEqual({ query, page: want });
      }
      // The cases are not empty, and the 1 s buckets were widened (three days of them).
      expect(filesCounts(events, { bucket: 1 }).bucket).toBeGreaterThan(1);
      expect(filesCounts(events, { q: 'quota', bucket: 3600 }).buckets.length).toBeGreaterThan(10);
      await expect(queryCounts(pool, S, { since: 'yesterday' })).rejects.toBeInstanceOf(RangeError);
    } finally {
      await pool.end();
      await db.drop();
    }
  });
});
