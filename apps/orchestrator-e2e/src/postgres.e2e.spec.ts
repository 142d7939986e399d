import { freePort, http, postJob, RunningApp, startApp, waitFor } from './support/app-process';
import { useTestDatabase } from './support/test-database';

/**
 * The PostgreSQL history store in the demo app: ORCH_HISTORY_URL turns it on. Two instances
 * (no Redis) on one database of this run's own; the password in the URL never shows.
 */
const PASSWORD = 'never-show-this-pw';

interface Event {
  event: string;
  orch_id: string;
  task_id?: string;
  run_id?: string;
}
interface Page {
  events: Event[];
  has_more: boolean;
  partial?: boolean;
}
interface Health {
  history: { name: string; status: string; url: string; lag_bytes: number }[];
}

const db = useTestDatabase('orch_e2e', 'PostgreSQL e2e tests');
const name = db.name;

describe('ORCH_HISTORY_URL: every instance history in PostgreSQL', () => {
  const url = `postgres://postgres:${PASSWORD}@127.0.0.1:5432/${name}`;
  let a: RunningApp;
  let b: RunningApp;

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    for (const app of [a, b]) if (app) expect(app.output()).not.toContain(PASSWORD);
  });

  it('a job run on one instance is found by a query on the other', async () => {
    if (!db.canRun()) return;
    [a, b] = await Promise.all([
      startApp({ env: { ORCH_ID: 'pg-a', ORCH_HISTORY_URL: url, ORCH_HISTORY_RETENTION: '7d' } }),
      startApp({ env: { ORCH_ID: 'pg-b', ORCH_HISTORY_URL: url } }),
    ]);
    const job = await postJob(a, { task_id: 'nightly-etl', steps: 3, step_ms: 1, fail_at_step: 2 });
    expect(job.status).toBeLessThan(300);
    const page = await waitFor(async () => {
      const res = await http<Page>(`${b.api}/orchestrator/events?task_id=nightly-etl`);
      return res.body.events.some((e) => e.orch_id === 'pg-a' && e.event.includes('fail'))
        ? res.body
        : undefined;
    }, 30_000);
    expect(page.partial).toBeUndefined();
    expect(page.events.every((e) => e.orch_id === 'pg-a' && e.task_id === 'nightly-etl')).toBe(
      true,
    );
    // The whole run, by run_id, from the other instance.
    const run = await http<Page>(`${b.api}/orchestrator/events?run_id=${job.body.run_id}`);
    expect(run.body.events.length).toBe(
      page.events.filter((e) => e.run_id === job.body.run_id).length,
    );
    // Its run record and its counts, from the other instance (b's own files never held them).
    const runs = await waitFor(async () => {
      const res = await http<{ runs: Record<string, unknown>[]; has_more: boolean }>(
        `${b.api}/orchestrator/runs?task_id=nightly-etl`,
      );
      return res.body.runs.some((r) => r.run_id === job.body.run_id && r.status === 'failed')
        ? res.body
        : undefined;
    }, 30_000);
    expect(runs).not.toHaveProperty('partial');
    expect(runs.runs.find((r) => r.run_id === job.body.run_id)).toMatchObject({
      orch_id: 'pg-a',
      task_id: 'nightly-etl',
      events: run.body.events.length,
    });
    const counts = await http<{ bucket: number; buckets: { counts: Record<string, number> }[] }>(
      `${b.api}/orchestrator/events/counts?run_id=${job.body.run_id}&bucket=604800`,
    );
    const counted = counts.body.buckets.flatMap((bucket) => Object.values(bucket.counts));
    expect(counted.reduce((sum, n) => sum + n, 0)).toBe(run.body.events.length);
    // Health shows the store, without the password.
    const health = (await http<Health>(`${b.api}/health`)).body;
    expect(health.history[0]).toMatchObject({ name: 'postgres', status: 'up' });
    expect(health.history[0].url).not.toContain(PASSWORD);
  });

  it('the database unreachable: the app starts, queries answer from the files and say partial', async () => {
    if (!db.canRun()) return;
    const port = await freePort();
    const app = await startApp({
      env: {
        ORCH_ID: 'pg-down',
        ORCH_HISTORY_URL: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/x`,
      },
    });
    try {
      await postJob(app, { task_id: 'alone', steps: 1, step_ms: 0 });
      const page = await waitFor(async () => {
        const res = await http<Page>(`${app.api}/orchestrator/events?task_id=alone`);
        return res.body.events.length > 0 ? res.body : undefined;
      });
      expect(page.partial).toBe(true);
      const health = (await http<Health>(`${app.api}/health`)).body;
      expect(health.history[0].status).toBe('down');
      expect(JSON.stringify(health)).not.toContain(PASSWORD);
    } finally {
      await app.stop();
      expect(app.output()).not.toContain(PASSWORD);
    }
  });

  it('a bad ORCH_HISTORY_RETENTION is a startup error naming the variable, the value and what is allowed', async () => {
    if (!db.canRun()) return;
    const error = await startApp({
      env: { ORCH_HISTORY_URL: url, ORCH_HISTORY_RETENTION: '2w' },
    }).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(error).toContain('ORCH_HISTORY_RETENTION="2w"');
    expect(error).toContain('from 1h to 3650d');
    expect(error).not.toContain(PASSWORD);
  });
});
