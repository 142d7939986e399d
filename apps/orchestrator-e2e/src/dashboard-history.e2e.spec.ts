import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Page } from 'playwright-core';
import { http, RunningApp, startApp, waitFor } from './support/app-process';
import { useTestDatabase } from './support/test-database';
import { requireChromium, useChromium } from './support/chromium';
import { DashboardSnapshot, picture, snapshot, windowOptions } from './support/dashboard-page';

/**
 * The dashboard's windows of days (6 h, 24 h, 7 d): offered only with a history store
 * (ORCH_HISTORY_URL), and read from the server's runs and counts endpoints, not from the page's
 * own events. The demo app on a database of this test's own, its log file filled before it
 * starts with 100,000 events over 24 h, which the store ingests.
 */
const EVENTS = 100_000;
/** Events per run: started, 8 steps, completed or failed. */
const PER_RUN = 10;
const RUNS = EVENTS / PER_RUN;
const ORCH_ID = 'hist-e2e';
/** The windows the page offers without a history store (it adds the windows of days with one). */
const LIVE_WINDOWS = ['auto', '1m', '5m', '15m', '1h'];
const VIEWPORT = { width: 1400, height: 900 };
const SCREENSHOT = picture('dashboard-24h');

/**
 * 10,000 runs of 10 events, starting from 24 h - 10 min ago to 5 min ago, one in ten failed
 * (three reasons): the lines the library writes, in time order, in one file.
 */
function writeDay(file: string, nowMs: number): void {
  const first = nowMs - 24 * 3_600_000 + 600_000;
  const spacing = (nowMs - 300_000 - first) / RUNS;
  const events: { ms: number; fields: Record<string, unknown> }[] = [];
  const reasons = [
    'disk full on /dev/sd{n}',
    'timeout after {n} ms',
    'upstream 503 from shard {n}',
  ];
  for (let r = 0; r < RUNS; r++) {
    const start = Math.round(first + r * spacing);
    const stepMs = 500 + (r % 7) * 700;
    const base = { task_id: `task-${r % 12}`, run_id: `run-${String(r).padStart(5, '0')}` };
    events.push({
      ms: start,
      fields: { ...base, event: 'job_started', status: 'running', steps: 8 },
    });
    for (let s = 1; s <= 8; s++) {
      events.push({
        ms: start + s * stepMs,
        fields: { ...base, event: 'job_step', step: s, steps: 8 },
      });
    }
    const end = start + 9 * stepMs;
    events.push(
      r % 10 === 3
        ? {
            ms: end,
            fields: {
              ...base,
              level: 'ERROR',
              event: 'job_failed',
              status: 'failed',
              error: { name: 'Error', message: reasons[r % 3].replace('{n}', String(r)) },
            },
          }
        : {
            ms: end,
            fields: { ...base, event: 'job_completed', status: 'success', duration_ms: 9 * stepMs },
          },
    );
  }
  events.sort((a, b) => a.ms - b.ms);
  const lines = events.map(({ ms, fields }, i) => {
    const { level, ...rest } = fields;
    return JSON.stringify({
      timestamp: new Date(ms).toISOString().replace('Z', '000Z'),
      level: level ?? 'INFO',
      logger: 'orchestrator_events',
      event: rest['event'],
      event_id: `${ms}-${String(i % 1_000_000).padStart(6, '0')}-${ORCH_ID}`,
      orch_id: ORCH_ID,
      ...rest,
      message: String(rest['event']),
    });
  });
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

/**
 * Resolves at the first paint of a window of days: its counts drawn (the chart's totals are the
 * window's) and its newest runs drawn (rows on the timeline, counted by its summary); older pages
 * of runs may still be coming.
 */
const firstPaint = (page: Page) =>
  page.waitForFunction(
    () => {
      const shown = (
        window as unknown as { __orchDashboard?: { snapshot(): DashboardSnapshot } }
      ).__orchDashboard?.snapshot().history;
      const totals = document.getElementById('rate-totals')?.dataset;
      return (
        shown !== undefined &&
        totals?.['since'] === shown.since &&
        totals['until'] === shown.until &&
        Number(document.getElementById('runs-summary')?.dataset['runs']) > 0 &&
        document.querySelector('#timeline .tl-row.run') !== null
      );
    },
    undefined,
    { timeout: 60_000, polling: 10 },
  );
/** The window of days shown, alone (the whole snapshot lists 5,000 event ids: slow to poll). */
const shownWindow = (page: Page) =>
  page.evaluate(
    () =>
      (
        window as unknown as { __orchDashboard: { snapshot(): DashboardSnapshot } }
      ).__orchDashboard.snapshot().history,
  );
/** The run ids of the timeline's rows in the DOM (those in view and a few beyond), sorted. */
const rowsDrawn = (page: Page) =>
  page.$$eval('#timeline .tl-row.run', (rows) =>
    rows.map((row) => (row as HTMLElement).dataset['runId'] ?? '').sort(),
  );

interface RunsPage {
  runs: { run_id: string; status: string }[];
  has_more: boolean;
}
interface CountsPage {
  bucket: number;
  buckets: { start: string; counts: Record<string, number> }[];
}
interface Health {
  history: { name: string; status: string; lag_bytes: number; ingested: number }[];
}

const db = useTestDatabase('orch_e2e_dash', 'dashboard history e2e');
const name = db.name;

(requireChromium() ? describe : describe.skip)('dashboard windows of days in Chromium', () => {
  const browser = useChromium();

  it("a 24 h window of 100,000 events from the PostgreSQL store: runs and counts equal the server's", async () => {
    if (!db.canRun()) return;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orch-e2e-dash-history-'));
    writeDay(path.join(dir, 'orch.log'), Date.now());
    const app: RunningApp = await startApp({
      dir,
      env: {
        ORCH_ID,
        ORCH_HISTORY_URL: `postgres://postgres@127.0.0.1:5432/${name}`,
        // One file holds the day (about 25 MB): no rotation before the store read it.
        ORCH_LOG_MAX_SIZE: '100m',
      },
    });
    try {
      // The store ingests the file at start.
      await waitFor(async () => {
        const store = (await http<Health>(`${app.api}/health`)).body.history[0];
        return store?.status === 'up' && store.ingested >= EVENTS && store.lag_bytes === 0
          ? store
          : undefined;
      }, 180_000);

      const page = await browser().newPage({ viewport: VIEWPORT });
      // The page open and live in its default window; then the operator picks 24 h.
      await page.goto(`${app.origin}/dashboard/`);
      await page.waitForSelector('#conn[data-state="live"]', { timeout: 15_000 });
      const started = Date.now();
      await page.selectOption('#filters select[name="window"]', '24h');
      await firstPaint(page);
      const firstPaintMs = Date.now() - started;
      // The rows in view once the list went to its newest runs (the frame after its first paint).
      await page.evaluate(
        () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
      );
      const rowsFirst = await rowsDrawn(page);
      // Then every page of runs: the window whole.
      const shown = await waitFor(async () => {
        const history = await shownWindow(page);
        return history?.complete ? history : undefined;
      }, 60_000);
      await page.waitForSelector(`#runs-summary[data-runs="${shown.runs}"]`);
      const wholeMs = Date.now() - started;
      // The older runs came in above: the rows in view did not move.
      expect(await rowsDrawn(page)).toEqual(rowsFirst);
      expect(rowsFirst).toContain(`run-${String(RUNS - 1).padStart(5, '0')}`);
      // Where the time went: the page's requests of the runs and counts endpoints, each from its
      // start, which is given in ms after the click.
      const clickedAt = await page.evaluate((at) => at - performance.timeOrigin, started);
      const requests = await page.evaluate(
        (clicked) =>
          performance
            .getEntriesByType('resource')
            .filter((e) => /\/(runs|counts)\?/.test(e.name))
            .map(
              (e) =>
                `${/\/(runs|counts)\?/.exec(e.name)?.[1]} ${Math.round(e.duration)} ms ` +
                `(at ${Math.round(e.startTime - clicked)})`,
            ),
        clickedAt,
      );
      console.log(`24 h window requests: ${requests.join(', ')}`);
      console.log(
        `24 h window, ${EVENTS} events in PostgreSQL: first paint of runs and counts ${firstPaintMs} ms after the click ` +
          `(${shown.runs} runs, bucket ${shown.bucket} s); all ${shown.runs} runs drawn at ${wholeMs} ms`,
      );
      expect(await windowOptions(page)).toEqual([...LIVE_WINDOWS, '6h', '24h', '7d']);
      expect(await page.inputValue('select[name="window"]')).toBe('24h');
      expect(new URL(page.url()).searchParams.get('window')).toBe('24h');
      expect(shown.capped).toBe(false);
      expect(Date.parse(shown.until) - Date.parse(shown.since)).toBe(24 * 3_600_000);

      // The server's answers for the same window.
      const runs: RunsPage['runs'] = [];
      let before = '';
      for (;;) {
        const res = await http<RunsPage>(
          `${app.api}/orchestrator/runs?since=${shown.since}&until=${shown.until}&limit=1000${before}`,
        );
        runs.push(...res.body.runs);
        if (!res.body.has_more) break;
        before = `&before=${res.body.runs[res.body.runs.length - 1].run_id}`;
      }
      const failed = runs.filter((r) => r.status === 'failed').length;
      expect(runs.length).toBeGreaterThanOrEqual(RUNS);
      expect(shown.runs).toBe(runs.length);
      expect(await page.getAttribute('#runs-summary', 'data-runs')).toBe(String(runs.length));
      expect(await page.getAttribute('#runs-summary', 'data-failed')).toBe(String(failed));
      expect(await page.getAttribute('#failures-count', 'data-count')).toBe(String(failed));
      // Failure groups: three reasons once digits are stripped, their counts the server's.
      const groups = await page.$$eval('#failures li.f-group', (items) =>
        items.map((li) => Number((li as HTMLElement).dataset['count'])),
      );
      expect(groups).toHaveLength(3);
      expect(groups.reduce((a, b) => a + b, 0)).toBe(failed);

      const counts = (
        await http<CountsPage>(
          `${app.api}/orchestrator/events/counts?since=${shown.since}&until=${shown.until}&bucket=${shown.bucket}`,
        )
      ).body;
      const server: Record<string, number> = { DEBUG: 0, INFO: 0, WARNING: 0, ERROR: 0 };
      for (const bucket of counts.buckets) {
        for (const [level, n] of Object.entries(bucket.counts)) server[level] += n;
      }
      expect(server['INFO'] + server['ERROR']).toBeGreaterThanOrEqual(EVENTS);
      await page.waitForSelector(`#rate-totals[data-since="${shown.since}"]`);
      const totals = await page.$$eval('#rate-totals .total', (spans) =>
        Object.fromEntries(
          spans.map((s) => [
            (s as HTMLElement).dataset['level'],
            Number((s as HTMLElement).dataset['count']),
          ]),
        ),
      );
      expect(totals).toEqual(server);

      // A run from the window opens with all its events (read from the server by run_id).
      const old = runs[runs.length - 1].run_id;
      await page.goto(`${app.origin}/dashboard/?window=24h&run=${old}`);
      await page.waitForSelector(`#run-events .ev-row`);
      await waitFor(async () =>
        (await page.$$('#run-events .ev-row')).length === PER_RUN ? true : undefined,
      );

      // A link to the window: the page's load and its first paint.
      const linked = Date.now();
      await page.goto(`${app.origin}/dashboard/?window=24h`);
      await firstPaint(page);
      console.log(
        `24 h window from a link, the server warm: first paint ${Date.now() - linked} ms after navigation`,
      );
      await page.waitForSelector(`#runs-summary[data-runs="${runs.length}"]`);
      await page.waitForSelector('#failures li.f-group');
      await page.screenshot({ path: SCREENSHOT });
      // A figure, not an assertion: the redraws of 10,000 runs (timeline every 250 ms, failures 500).
      console.log(
        `24 h window, longest redraw of each part: ${JSON.stringify((await snapshot(page)).longestRenderMs)}`,
      );
      await page.close();
    } finally {
      await app.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('without a history store the windows of days are not offered, even from a link', async () => {
    const app = await startApp();
    try {
      const page = await browser().newPage({ viewport: VIEWPORT });
      await page.goto(`${app.origin}/dashboard/?window=24h`);
      await page.waitForSelector('#conn[data-state="live"]', { timeout: 15_000 });
      expect(await windowOptions(page)).toEqual(LIVE_WINDOWS);
      expect(await page.inputValue('select[name="window"]')).toBe('auto');
      expect((await snapshot(page)).history).toBeUndefined();
      await page.close();
    } finally {
      await app.stop();
    }
  }, 120_000);
});
