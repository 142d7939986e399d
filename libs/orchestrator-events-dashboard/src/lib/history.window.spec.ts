import { OrchestratorEventsClient } from '@orchestrator/events-client';
import { RunRecord } from '@orchestrator/events-contract';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  alignedRange,
  countsBucketS,
  CountsRate,
  HISTORY_MAX_PAGES,
  HISTORY_RUNS_PAGE,
  loadHistoryWindow,
  runSummaryOf,
} from './history.window';
import { WINDOW_MS } from './url.state';

describe('history window', () => {
  it('chooses a bucket of about 2 px that divides the windows of days', () => {
    expect(countsBucketS(WINDOW_MS['24h'], 1000)).toBe(300);
    expect(countsBucketS(WINDOW_MS['6h'], 1000)).toBe(60);
    expect(countsBucketS(WINDOW_MS['7d'], 1000)).toBe(1800);
    // A narrow chart still gets 100 points at least.
    expect(countsBucketS(WINDOW_MS['24h'], 50)).toBe(900);
    for (const window of ['6h', '24h', '7d'] as const) {
      for (const width of [50, 600, 1000, 1800, 4000]) {
        const bucket = countsBucketS(WINDOW_MS[window], width);
        expect([window, width, WINDOW_MS[window] % (bucket * 1000)]).toEqual([window, width, 0]);
      }
    }
  });

  it('ends the window at the end of the bucket holding now', () => {
    const now = Date.parse('2026-12-06T02:07:11.000Z');
    expect(alignedRange(WINDOW_MS['24h'], 300, now)).toEqual({
      fromMs: Date.parse('2026-12-05T02:10:00.000Z'),
      toMs: Date.parse('2026-12-06T02:10:00.000Z'),
    });
  });

  it('turns counts into rates per second, empty buckets as 0, and totals a span', () => {
    const rate = new CountsRate({
      bucket: 60,
      buckets: [
        { start: '2026-12-06T00:00:00.000Z', counts: { INFO: 120, ERROR: 3 } },
        { start: '2026-12-06T00:02:00.000Z', counts: { INFO: 60, WARNING: 1 } },
      ],
    });
    const from = Date.parse('2026-12-06T00:00:00.000Z');
    const series = rate.series(from, from + 180_000);
    expect(series.bucketS).toBe(60);
    expect(series.x).toEqual([0, 60, 120].map((s) => from / 1000 + s));
    expect(series.perLevel.INFO).toEqual([2, 0, 1]);
    expect(series.perLevel.ERROR).toEqual([0.05, 0, 0]);
    expect(rate.totalsBetween(from, from + 180_000).counts).toEqual({
      DEBUG: 0,
      INFO: 180,
      WARNING: 1,
      ERROR: 3,
    });
    // A span counts the buckets that start in it.
    const later = rate.totalsBetween(from + 60_000, from + 180_000);
    expect(later.counts.INFO).toBe(60);
    expect(later.sinceMs).toBe(from + 60_000);
    expect(later.untilMs).toBe(from + 180_000);
  });

  it('draws a run record as the timeline draws a run', () => {
    const record: RunRecord = {
      run_id: 'r-1',
      task_id: 'etl',
      orch_id: 'o-1',
      status: 'failed',
      started_at: '2026-12-01T10:00:00.000Z',
      ended_at: '2026-12-01T10:00:20.000Z',
      duration_ms: 20_000,
      steps_done: 2,
      steps_total: 3,
      failure: 'disk full',
      first_event_id: 'a',
      last_event_id: 'b',
      events: 4,
    };
    const run = runSummaryOf(record);
    expect(run).toMatchObject({
      runId: 'r-1',
      taskId: 'etl',
      status: 'failed',
      startMs: Date.parse('2026-12-01T10:00:00.000Z'),
      endMs: Date.parse('2026-12-01T10:00:20.000Z'),
      step: 2,
      steps: 3,
      reason: 'disk full',
      durationMs: 20_000,
      events: 4,
      lastEventId: 'b',
    });
    const running = runSummaryOf({ ...record, status: 'running', ended_at: undefined });
    expect(running.endMs).toBeUndefined();
    expect(running.lastMs).toBe(running.startMs);
  });

  describe('loadHistoryWindow (real HTTP)', () => {
    let server: Server;
    let client: OrchestratorEventsClient;
    const asked: URL[] = [];
    /** Runs the fake server holds, newest first. */
    let total = 0;
    beforeEach(async () => {
      asked.length = 0;
      server = createServer((req, res) => {
        const url = new URL(req.url ?? '', 'http://x');
        asked.push(url);
        res.setHeader('Content-Type', 'application/json');
        if (url.pathname.endsWith('/counts')) {
          const bucket = Number(url.searchParams.get('bucket'));
          const start = url.searchParams.get('since');
          res.end(JSON.stringify({ bucket, buckets: [{ start, counts: { INFO: 5, ERROR: 1 } }] }));
          return;
        }
        const before = url.searchParams.get('before');
        const from = before === null ? 0 : Number(before.slice(2)) + 1;
        const limit = Number(url.searchParams.get('limit'));
        const runs = [];
        for (let i = from; i < Math.min(total, from + limit); i++) {
          runs.push({
            run_id: `r-${i}`,
            orch_id: 'o',
            status: i % 2 ? 'failed' : 'success',
            started_at: new Date(Date.parse('2026-12-06T00:00:00Z') - i * 1000).toISOString(),
            steps_done: 0,
            first_event_id: 'a',
            last_event_id: 'b',
            events: 1,
          });
        }
        res.end(JSON.stringify({ runs, has_more: from + limit < total }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      client = new OrchestratorEventsClient({
        baseUrl: `http://127.0.0.1:${port}`,
        eventsPath: '/api/v1/orchestrator/events',
      });
    });
    afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const load = (filter = {}) =>
      loadHistoryWindow(client, {
        filter,
        status: 'failed',
        spanMs: WINDOW_MS['24h'],
        widthPx: 1000,
        nowMs: Date.parse('2026-12-06T02:07:11Z'),
      });

    it('pages the runs with before until the last page, and counts the aligned window', async () => {
      total = 2500;
      const data = await load({ task_id: 'etl', level: 'ERROR' });
      expect(data.runs).toHaveLength(2500);
      expect(data.capped).toBe(false);
      const runs = asked.filter((u) => u.pathname === '/api/v1/orchestrator/runs');
      expect(runs.map((u) => u.searchParams.get('before'))).toEqual([null, 'r-999', 'r-1999']);
      for (const u of runs) {
        expect(u.searchParams.get('limit')).toBe(String(HISTORY_RUNS_PAGE));
        expect(u.searchParams.get('task_id')).toBe('etl');
        expect(u.searchParams.get('status')).toBe('failed');
        expect(u.searchParams.get('since')).toBe('2026-12-05T02:10:00.000Z');
        expect(u.searchParams.get('until')).toBe('2026-12-06T02:10:00.000Z');
        // The runs endpoint has no level filter.
        expect(u.searchParams.get('level')).toBeNull();
      }
      const counts = asked.filter((u) => u.pathname === '/api/v1/orchestrator/events/counts');
      expect(counts).toHaveLength(1);
      expect(counts[0].searchParams.get('bucket')).toBe('300');
      expect(counts[0].searchParams.get('level')).toBe('ERROR');
      expect(data.rate.totalsBetween(data.range.fromMs, data.range.toMs).counts.ERROR).toBe(1);
    });

    it('hands out the counts and the newest page first, then each further page', async () => {
      total = 2500;
      const seen: { runs: number; complete: boolean; error: number }[] = [];
      const data = await loadHistoryWindow(client, {
        filter: {},
        status: undefined,
        spanMs: WINDOW_MS['24h'],
        widthPx: 1000,
        nowMs: Date.parse('2026-12-06T02:07:11Z'),
        onProgress: (partial) =>
          seen.push({
            runs: partial.runs.length,
            complete: partial.complete,
            error: partial.rate.totalsBetween(partial.range.fromMs, partial.range.toMs).counts
              .ERROR,
          }),
      });
      expect(seen).toEqual([
        { runs: 1000, complete: false, error: 1 },
        { runs: 2000, complete: false, error: 1 },
      ]);
      expect(data.runs).toHaveLength(2500);
      expect(data.complete).toBe(true);
      // The newest runs came first.
      expect(data.runs[0].runId).toBe('r-0');
    });

    it('stops at the page cap and says so', async () => {
      total = HISTORY_MAX_PAGES * HISTORY_RUNS_PAGE + 1;
      const data = await load();
      expect(data.runs).toHaveLength(HISTORY_MAX_PAGES * HISTORY_RUNS_PAGE);
      expect(data.capped).toBe(true);
    });

    it('applies a run id filter to the runs read', async () => {
      total = 10;
      const data = await load({ run_id: 'r-3' });
      expect(data.runs.map((r) => r.runId)).toEqual(['r-3']);
    });
  });
});
