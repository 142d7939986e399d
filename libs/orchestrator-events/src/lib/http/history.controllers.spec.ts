import { INestApplication } from '@nestjs/common';
import type { CountsPage, RunsPage } from '@orchestrator/events-contract';
import * as path from 'node:path';
import { serveEvents, TeamGuard } from '../../testing/serve-events';
import { tempDir } from '../../testing/temp-dir';
import { EventLogger } from '../write/event-logger.service';
import { runsPathOf } from './history.controllers';

const TOKEN = 'a-long-enough-token-123';

describe('runs and counts endpoints (real HTTP, real files)', () => {
  let dir: string;
  let cleanup: () => void;
  let app: INestApplication;
  let url: string;
  let logger: EventLogger;
  const get = async <T>(pathname: string, headers: Record<string, string> = {}) => {
    const res = await fetch(url + pathname, {
      headers: { Authorization: `Bearer ${TOKEN}`, 'X-Team': 'ops', ...headers },
    });
    return { status: res.status, body: (await res.json()) as T };
  };

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir());
    ({ app, url } = await serveEvents({
      logFile: path.join(dir, 'orch.log'),
      env: {},
      token: TOKEN,
      guards: [TeamGuard],
    }));
    logger = app.get(EventLogger);
    // Three runs of two tasks: one succeeded, one failed (a thrown error), one still running.
    await logger.track('job', { task_id: 'etl', run_id: 'r-ok', steps: 2 }, async () => {
      logger.info('job_step', { step: 1, steps: 2 });
      logger.info('job_step', { step: 2, steps: 2 });
    });
    await logger
      .track('job', { task_id: 'etl', run_id: 'r-bad', steps: 3 }, async () => {
        logger.info('job_step', { step: 1, steps: 3, region: 'eu' });
        throw new Error('Quota exceeded for bucket');
      })
      .catch(() => undefined);
    logger.info('job_started', { task_id: 'ml', run_id: 'r-open', status: 'running' });
    logger.info('heartbeat', { message: 'no run' });
  });
  afterAll(async () => {
    await app.close();
    cleanup();
  });

  it('places the runs endpoint beside the events endpoint', () => {
    expect(runsPathOf('orchestrator/events')).toBe('orchestrator/runs');
    expect(runsPathOf('/ops/v2/events/')).toBe('ops/v2/runs');
    expect(runsPathOf('events')).toBe('runs');
  });

  it('answers run records newest first, with the run rules of the contract', async () => {
    const { status, body } = await get<RunsPage>('/orchestrator/runs');
    expect(status).toBe(200);
    expect(body.has_more).toBe(false);
    expect(body.runs.map((r) => [r.run_id, r.status])).toEqual([
      ['r-open', 'running'],
      ['r-bad', 'failed'],
      ['r-ok', 'success'],
    ]);
    const bad = body.runs[1];
    expect(bad).toMatchObject({
      task_id: 'etl',
      orch_id: expect.any(String),
      steps_done: 1,
      steps_total: 3,
      failure: 'Quota exceeded for bucket',
      events: 3,
    });
    expect((bad.ended_at ?? '') >= bad.started_at).toBe(true);
    expect(typeof bad.duration_ms).toBe('number');
    expect(bad.first_event_id < bad.last_event_id).toBe(true);
    expect(body.runs[0].ended_at).toBeUndefined();
  });

  it('filters by task and status, pages with limit and before', async () => {
    const etl = await get<RunsPage>('/orchestrator/runs?task_id=etl&limit=1');
    expect(etl.body.runs.map((r) => r.run_id)).toEqual(['r-bad']);
    expect(etl.body.has_more).toBe(true);
    const next = await get<RunsPage>('/orchestrator/runs?task_id=etl&limit=1&before=r-bad');
    expect(next.body).toEqual({
      runs: [expect.objectContaining({ run_id: 'r-ok' })],
      has_more: false,
    });
    const failed = await get<RunsPage>('/orchestrator/runs?status=failed');
    expect(failed.body.runs.map((r) => r.run_id)).toEqual(['r-bad']);
    const future = await get<RunsPage>('/orchestrator/runs?since=2999-01-01T00:00:00Z');
    expect(future.body).toEqual({ runs: [], has_more: false });
    const past = await get<RunsPage>('/orchestrator/runs?until=2000-01-01T00:00:00Z');
    expect(past.body.runs).toEqual([]);
  });

  it('refuses bad runs parameters with a 400 naming each', async () => {
    const cases: [string, RegExp][] = [
      ['status=done', /^status must be one of running, success, failed/],
      ['limit=0', /^limit must be/],
      ['limit=1001', /^limit must be/],
      ['limit=05', /^limit must be/],
      ['limit=1e2', /^limit must be/],
      ['since=2026-12-05T23:00:00', /^since must be/],
      ['since=yesterday', /^since must be/],
      ['until=2026-W05', /^until must be/],
      ['task_id=a%20b', /^task_id must be/],
      ['task_id=a&task_id=b', /^task_id is given twice/],
      ['before=r-gone', /^before must be the run_id of a run still held/],
      ['__proto__=1', /^property __proto__ should not exist/],
      ['run_id=x', /^property run_id should not exist/],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await get<{ message: string[] }>(`/orchestrator/runs?${query}`);
      expect([query, status]).toEqual([query, 400]);
      expect(body.message).toEqual([expect.stringMatching(message)]);
    }
  });

  it('counts events per level per bucket with the events filters, q and extras included', async () => {
    const all = await get<CountsPage>('/orchestrator/events/counts?bucket=604800');
    expect(all.status).toBe(200);
    expect(all.body.bucket).toBe(604800);
    const total = (page: CountsPage) =>
      page.buckets.reduce(
        (n, b) => n + Object.values(b.counts).reduce((a, c) => a + (c ?? 0), 0),
        0,
      );
    expect(total(all.body)).toBe(9);
    expect(all.body.buckets.reduce((n, b) => n + (b.counts.ERROR ?? 0), 0)).toBe(1);
    const search = await get<CountsPage>('/orchestrator/events/counts?q=quota&task_id=etl');
    expect(total(search.body)).toBe(1);
    expect(search.body.buckets[0].counts).toEqual({ ERROR: 1 });
    expect(search.body.buckets[0].start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/);
    const extras = await get<CountsPage>('/orchestrator/events/counts?extras.region=eu');
    expect(total(extras.body)).toBe(1);
    const none = await get<CountsPage>('/orchestrator/events/counts?until=2000-01-01T00:00:00Z');
    expect(none.body).toEqual({ bucket: 60, buckets: [] });
  });

  it('widens the bucket so that a window holds at most 1440 buckets', async () => {
    const { body } = await get<CountsPage>(
      '/orchestrator/events/counts?bucket=1&since=2026-01-01T00:00:00Z&until=2026-01-02T00:00:00Z',
    );
    // 86,400 one-second buckets in a day: widened to a minute, 1,440 of them.
    expect(body.bucket).toBe(60);
  });

  it('refuses bad counts parameters with a 400 naming each', async () => {
    const cases: [string, RegExp][] = [
      ['bucket=0', /^bucket must be/],
      ['bucket=1.5', /^bucket must be/],
      ['bucket=604801', /^bucket must be/],
      ['limit=5', /^property limit should not exist/],
      ['after=1795515045123-000000-o-glm', /^property after should not exist/],
      ['level=loud', /^level must be/],
      ['q=', /^q must be/],
      ['extras.event=x', /^extras\.event: /],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await get<{ message: string[] }>(
        `/orchestrator/events/counts?${query}`,
      );
      expect([query, status]).toEqual([query, 400]);
      expect(body.message).toEqual([expect.stringMatching(message)]);
    }
  });

  it('applies the token and the module guards to both endpoints', async () => {
    for (const endpoint of ['/orchestrator/runs', '/orchestrator/events/counts']) {
      expect((await fetch(url + endpoint)).status).toBe(401);
      expect((await fetch(`${url}${endpoint}?access_token=${TOKEN}`)).status).toBe(403);
      const ok = await fetch(`${url}${endpoint}?access_token=${TOKEN}`, {
        headers: { 'X-Team': 'ops' },
      });
      expect(ok.status).toBe(200);
    }
  });
});
