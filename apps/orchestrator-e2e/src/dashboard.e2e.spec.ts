import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { OrchestratorEventsClient } from '@orchestrator/events-client';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Page } from 'playwright-core';
import { freePort, http, postJob, RunningApp, startApp, waitFor } from './support/app-process';
import { launchChromium, requireChromium, useChromium } from './support/chromium';
import { picture, snapshot } from './support/dashboard-page';
import { InProcessApp, startInProcessApp } from './support/in-process-app';

/** The README's picture of the default view during a burst with failures (the triage test). */
const SCREENSHOT = picture('dashboard-timeline');
const VIEWPORT = { width: 1400, height: 900 };
/** The failed bar's colour (style.css `--err`). */
const FAILED_RGB = [0xcf, 0x22, 0x2e];

const live = (page: Page, timeout = 15_000) =>
  page.waitForSelector('#conn[data-state="live"]', { timeout });
const runRow = (runId: string) => `#timeline .tl-row.run[data-run-id="${runId}"]`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A user's guard: the page and the API only for the "ops" team's cookie. */
@Injectable()
class OpsCookieGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const cookie = context.switchToHttp().getRequest<{ headers: { cookie?: string } }>()
      .headers.cookie;
    return /(?:^|;\s*)team=ops(?:;|$)/.test(cookie ?? '');
  }
}

(requireChromium() ? describe : describe.skip)('dashboard in Chromium', () => {
  const browser = useChromium();

  it('mounts under a custom path in a fresh app, behind its guards, and follows its runs', async () => {
    const user = await startInProcessApp(
      {
        guards: [OpsCookieGuard],
        controller: { path: 'events' },
        dashboard: {
          path: 'ops/orchestrator',
          traceUrl: 'https://traces.example/trace/{trace_id}',
        },
      },
      'internal',
    );
    try {
      // The module's guards decide who gets the page, as they do for the endpoints.
      expect((await fetch(`${user.origin}/ops/orchestrator/`)).status).toBe(403);
      const bare = await fetch(`${user.origin}/ops/orchestrator`, {
        redirect: 'manual',
        headers: { Cookie: 'team=ops' },
      });
      expect([bare.status, bare.headers.get('location')]).toEqual([301, 'orchestrator/']);

      const context = await browser().newContext({ viewport: VIEWPORT });
      await context.addCookies([{ name: 'team', value: 'ops', url: user.origin }]);
      const page = await context.newPage();
      const assets: { url: string; cache: string | null; type: string | null }[] = [];
      page.on('response', (res) => {
        if (res.url().includes('/assets/')) {
          assets.push({
            url: res.url(),
            cache: res.headers()['cache-control'] ?? null,
            type: res.headers()['content-type'] ?? null,
          });
        }
      });
      await page.goto(`${user.origin}/ops/orchestrator`);
      expect(page.url()).toBe(`${user.origin}/ops/orchestrator/`);
      await live(page);
      expect(assets.map((a) => [path.extname(a.url), a.cache]).sort()).toEqual([
        ['.css', 'public, max-age=31536000, immutable'],
        ['.js', 'public, max-age=31536000, immutable'],
      ]);

      // The app's own code logs a run; the page, mounted where the app said, follows it.
      const deploy = user.events.track(
        'deploy',
        { task_id: 'svc-api', run_id: 'deploy-1', steps: 2 },
        async () => {
          user.events.info('deploy_step', { step: 1, steps: 2 });
          user.events.info('registry_call', { trace_id: '4bf92f3577b34da6', span_id: '00f067aa' });
          await sleep(600);
          user.events.info('deploy_step', { step: 2, steps: 2 });
        },
      );
      await page.waitForSelector(`${runRow('deploy-1')}[data-status="running"]`);
      await deploy;
      await page.waitForSelector(
        `${runRow('deploy-1')}[data-status="success"][data-step="2"][data-steps="2"]`,
      );
      expect(await page.textContent(runRow('deploy-1'))).toContain('svc-api');
      // The run view links an event carrying trace_id to the configured tracing UI.
      await page.click(runRow('deploy-1'));
      const traced = '#run-events .ev-row[data-event="registry_call"]';
      await page.click(`${traced} .ev-name`);
      expect(await page.getAttribute(`${traced} a.trace-link`, 'href')).toBe(
        'https://traces.example/trace/4bf92f3577b34da6',
      );
      await context.close();
    } finally {
      await user.close();
    }
  });

  describe('in the demo app', () => {
    let demo: RunningApp;
    beforeAll(async () => {
      demo = await startApp();
    });
    afterAll(async () => {
      await demo?.stop();
    });

    it('redirects / to /dashboard/', async () => {
      const res = await fetch(`${demo.origin}/`, { redirect: 'manual' });
      expect([res.status, res.headers.get('location')]).toEqual([302, '/dashboard/']);
    });

    it('grows a running bar on the timeline, marks its steps, and tells its times on hover', async () => {
      const page = await browser().newPage({ viewport: VIEWPORT });
      await page.goto(`${demo.origin}/dashboard/?window=1m`);
      await live(page);
      const job = (await postJob(demo, { task_id: 'grow', steps: 8, step_ms: 400 })).body;
      const row = runRow(job.run_id);
      await page.waitForSelector(`${row}[data-status="running"]`);
      const bar = () =>
        page.$eval(row, (el) => ({
          width: (el.querySelector('.tl-bar') as HTMLElement).getBoundingClientRect().width,
          step: Number((el as HTMLElement).dataset['step']),
          marks: el.querySelectorAll('.tl-mark').length,
        }));
      const before = await bar();
      await sleep(1300);
      const after = await bar();
      expect(after.width).toBeGreaterThan(before.width);
      expect(after.step).toBeGreaterThan(before.step);
      expect(after.marks).toBe(after.step);

      await page.hover(`${row} .tl-bar`);
      await page.waitForSelector(`#tooltip[data-run-id="${job.run_id}"]:not([hidden])`);
      const tip = await page.textContent('#tooltip');
      expect(tip).toContain(`run ${job.run_id}`);
      expect(tip).toMatch(/started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC/);
      expect(tip).toMatch(/duration [\d.]+ (ms|s) so far/);

      await page.waitForSelector(`${row}[data-status="success"][data-step="8"][data-steps="8"]`, {
        timeout: 15_000,
      });
      await page.close();
    });

    it('lists a failed run with its reason; one click opens the run, every event, its JSON', async () => {
      const page = await browser().newPage({ viewport: VIEWPORT });
      await page.goto(`${demo.origin}/dashboard/?window=1m`);
      await live(page);
      // A few tasks, as an orchestrator has them (and as the README's picture shows them).
      const jobs: Record<string, unknown>[] = [
        { task_id: 'ingest-orders', steps: 6, step_ms: 500 },
        { task_id: 'nightly-etl', steps: 8, step_ms: 300 },
        { task_id: 'reindex-search', steps: 4, step_ms: 400 },
        { task_id: 'ingest-orders', steps: 5, step_ms: 350 },
      ];
      for (const job of jobs) {
        await postJob(demo, job);
        await sleep(400);
      }
      const failed = (
        await postJob(demo, { task_id: 'nightly-etl', steps: 5, step_ms: 300, fail_at_step: 3 })
      ).body;
      await postJob(demo, { task_id: 'billing-sync', steps: 40, step_ms: 250 });
      const group = '#failures li.f-group[data-reason="step # of # failed"]';
      await page.waitForSelector(group, { timeout: 15_000 });
      await page.click(`${group} .reason`);
      const item = `#failures li[data-run-id="${failed.run_id}"]`;
      await page.waitForSelector(item);
      expect(await page.getAttribute(item, 'title')).toContain('step 3 of 5 failed');
      await sleep(2500); // the other runs end, the long one goes on: the picture has them all
      await page.screenshot({ path: path.join(os.tmpdir(), 'orch-dashboard-failed-run.png') });

      await page.click(item);
      await page.waitForSelector(`#run-view[data-run-id="${failed.run_id}"]:not([hidden])`);
      expect(new URL(page.url()).searchParams.get('run')).toBe(failed.run_id);
      await page.waitForSelector('#run-count[data-count="4"]');
      const events = await page.$$eval('#run-events .ev-row', (rows) =>
        rows
          .sort(
            (a, b) =>
              new DOMMatrix(getComputedStyle(a).transform).m42 -
              new DOMMatrix(getComputedStyle(b).transform).m42,
          )
          .map((r) => (r as HTMLElement).dataset['event']),
      );
      expect(events).toEqual(['job_started', 'job_step', 'job_step', 'job_failed']);
      expect(await page.textContent('#run-meta')).toContain('step 3 of 5 failed');
      await page.click('#run-events .ev-row[data-event="job_failed"] .ev-name');
      const json = await page.waitForSelector(
        '#run-events .ev-row[data-event="job_failed"] .ev-json',
      );
      expect(JSON.parse((await json.textContent()) ?? '')).toMatchObject({
        error: { message: 'step 3 of 5 failed' },
      });
      expect(
        await page.$$eval('#run-events .ev-row.open button[data-copy]', (b) =>
          b.map((x) => (x as HTMLElement).dataset['copy']),
        ),
      ).toEqual(expect.arrayContaining([failed.run_id, failed.task_id]));
      await page.keyboard.press('Escape');
      await page.waitForSelector('#run-view', { state: 'hidden' });
      expect(new URL(page.url()).searchParams.get('run')).toBeNull();
      await page.close();
    });

    it('keeps the filters in the URL through a reload, and counts steps right under a level filter', async () => {
      const failing = (
        await postJob(demo, { task_id: 'url-a', steps: 3, step_ms: 30, fail_at_step: 3 })
      ).body;
      const passing = (await postJob(demo, { task_id: 'url-a', steps: 3, step_ms: 30 })).body;
      await postJob(demo, { task_id: 'url-b', steps: 2, step_ms: 30, fail_at_step: 2 });
      await waitFor(async () => {
        const page = await http<{ events: { event: string }[] }>(
          `${demo.api}/orchestrator/events?task_id=url-a&event=job_completed,job_failed`,
        );
        return page.body.events.length === 2 || undefined;
      });
      const page = await browser().newPage({ viewport: VIEWPORT });
      await page.goto(`${demo.origin}/dashboard/`);
      await live(page);
      await page.fill('#filters input[name="task_id"]', 'url-a');
      await page.selectOption('#filters select[name="level"]', 'WARNING');
      await page.click('#filters button[type="submit"]');
      await page.waitForURL(/\?task_id=url-a&level=WARNING$/);
      await page.reload();
      await live(page);
      expect(await page.inputValue('#filters input[name="task_id"]')).toBe('url-a');
      expect(await page.inputValue('#filters select[name="level"]')).toBe('WARNING');
      // The run with a matching event (its job_failed), with its steps counted from all of its
      // events: 2 of 3, not 0 of 3 as a level filter made it before.
      await page.waitForSelector(
        `${runRow(failing.run_id)}[data-status="failed"][data-step="2"][data-steps="3"]`,
      );
      const shown = await page.$$eval('#timeline .tl-row.run', (rows) =>
        rows.map((r) => (r as HTMLElement).dataset['runId']),
      );
      expect(shown).toEqual([failing.run_id]);
      expect(shown).not.toContain(passing.run_id);
      await waitFor(async () =>
        (await page.getAttribute('#event-count', 'data-received')) === '1' ? true : undefined,
      );
      expect(await page.textContent('#event-count')).toContain(
        'matching task url-a, level ≥ WARNING',
      );
      expect(await page.textContent('#runs-summary')).toContain('steps and durations count all');
      await page.close();
    });

    it('pauses the live feed, catches up on resume, and offers a jump to the newest', async () => {
      const page = await browser().newPage({ viewport: VIEWPORT });
      await page.goto(`${demo.origin}/dashboard/?task_id=pause`);
      await live(page);
      const received = async () => Number(await page.getAttribute('#event-count', 'data-received'));
      await page.click('#pause');
      await page.waitForSelector('#conn[data-state="paused"]');
      expect(await page.textContent('#pause')).toBe('Resume');
      await postJob(demo, { task_id: 'pause', steps: 3, step_ms: 1 });
      await waitFor(async () => {
        const done = await http<{ events: unknown[] }>(
          `${demo.api}/orchestrator/events?task_id=pause&event=job_completed`,
        );
        return done.body.events.length === 1 || undefined;
      });
      await sleep(500);
      expect(await received()).toBe(0);
      await page.click('#pause');
      await live(page);
      await waitFor(async () => ((await received()) === 5 ? true : undefined));

      // Enough rows to scroll; scrolled away, the rows in view stay put while events arrive.
      await postJob(demo, { task_id: 'pause', steps: 60, step_ms: 1 });
      await waitFor(async () => ((await received()) === 67 ? true : undefined));
      await page.$eval('#events', (el) => (el.scrollTop = 480));
      const topRow = () =>
        page.$eval('#events', (el) => {
          const box = el.getBoundingClientRect();
          const hit = document.elementFromPoint(box.left + 40, box.top + 4);
          return (hit?.closest('.ev-row') as HTMLElement | null)?.dataset['eventId'];
        });
      await sleep(400);
      const before = await topRow();
      await postJob(demo, { task_id: 'pause', steps: 4, step_ms: 1 });
      await page.waitForSelector('#jump-newest:not([hidden])');
      await waitFor(async () => ((await received()) === 73 ? true : undefined));
      await sleep(400);
      expect(await topRow()).toBe(before);
      expect(await page.textContent('#jump-newest')).toMatch(/^↑ 6 newer: jump to newest$/);
      await page.click('#jump-newest');
      await page.waitForSelector('#jump-newest', { state: 'hidden' });
      expect(await page.$eval('#events', (el) => el.scrollTop)).toBe(0);
      const ids = (await snapshot(page)).eventIds;
      expect(new Set(ids).size).toBe(73);
      await page.close();
    });

    it('shows a filter the server refuses once, with its message, and does not retry', async () => {
      const page = await browser().newPage({ viewport: VIEWPORT });
      const requests: string[] = [];
      page.on('request', (req) => {
        if (req.url().includes('/orchestrator/events')) requests.push(req.url());
      });
      await page.goto(`${demo.origin}/dashboard/?task_id=bad%20id`);
      await page.waitForSelector('#notice[data-kind="bad-request"]:not([hidden])');
      expect(await page.textContent('#notice')).toMatch(
        /^The server refused this filter: .*task_id/,
      );
      expect(await page.getAttribute('#conn', 'data-state')).toBe('bad-request');
      await sleep(5000);
      // One history request, refused; no stream opened, nothing retried.
      expect(requests).toHaveLength(1);
      expect(await page.$$('#notice')).toHaveLength(1);
      // A good filter brings it back.
      await page.click('#clear-filters');
      await live(page);
      expect(await page.isHidden('#notice')).toBe(true);
      await page.close();
    });
  });

  describe('triage, in a demo app with an hour of history', () => {
    let demo: RunningApp;
    let oldRun: string;
    /** When the runs of another orchestrator were logged (just before the app started). */
    let seededAt: number;
    /** Their run ids: they failed another way. */
    const quotaRuns = ['quota-1', 'quota-2'];
    beforeAll(async () => {
      // History from half an hour ago, in the file the app reads: a 20 s run that succeeded.
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orch-e2e-'));
      oldRun = 'old-run-1';
      const t0 = Date.now() - 30 * 60_000;
      const midnight = Math.floor(Date.now() / 86_400_000) * 86_400_000;
      fs.writeFileSync(
        path.join(dir, 'orch.log'),
        [
          oldEvent(t0, 0, 'job_started', { status: 'running', steps: 2 }),
          oldEvent(t0 + 10_000, 1, 'job_step', { step: 1, steps: 2 }),
          oldEvent(t0 + 20_000, 2, 'job_step', { step: 2, steps: 2 }),
          oldEvent(t0 + 20_001, 3, 'job_completed', { status: 'success', duration_ms: 20_001 }),
          // A run across last midnight (UTC): its times need their dates.
          ...[-10_000, 0, 10_000].map((dt, i) =>
            oldEvent(midnight + dt, i, ['job_started', 'job_step', 'job_completed'][i], {
              run_id: 'midnight-run',
              status: ['running', undefined, 'success'][i],
              ...(i === 1 ? { step: 1, steps: 1 } : {}),
            }),
          ),
        ]
          // In logging order, as a logger writes its file.
          .sort((a, b) => a.event_id.localeCompare(b.event_id))
          .map((e) => `${JSON.stringify(e)}\n`)
          .join('') +
          // And a few seconds ago, two runs of another orchestrator that failed another way.
          otherRun((seededAt = Date.now() - 6000), quotaRuns[0], 'billing-sync', 'acme') +
          otherRun(seededAt + 2000, quotaRuns[1], 'billing-sync', 'globex'),
      );
      demo = await startApp({ dir });
    });
    afterAll(async () => {
      await demo?.stop();
    });

    /** One event of the old run, as the logger writes it. */
    function oldEvent(ms: number, seq: number, event: string, extra: Record<string, unknown>) {
      return {
        timestamp: new Date(ms).toISOString().replace('Z', '000Z'),
        level: 'INFO',
        logger: 'orchestrator_events',
        event,
        event_id: `${ms}-${String(seq).padStart(6, '0')}-o-history`,
        orch_id: 'o-history',
        task_id: 'old-task',
        run_id: oldRun,
        ...extra,
      };
    }

    it('shows recent runs legibly, failed bars in their colour, counts of the window, failures by reason', async () => {
      const page = await browser().newPage({ viewport: VIEWPORT });
      await page.goto(`${demo.origin}/dashboard/`);
      await live(page);
      // Whole seconds: the page counts by the second, and says which seconds.
      const second = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString();
      const since = second(seededAt - 1000);
      // A burst: a 20 s run, short runs of several tasks, some failing the same way.
      const long = (await postJob(demo, { task_id: 'nightly-etl', steps: 20, step_ms: 1000 })).body;
      const failed: string[] = [...quotaRuns];
      /** The failed runs of this app (the page follows them live; the others' are in its file). */
      const demoFailed: string[] = [];
      const tasks = ['ingest-orders', 'reindex-search', 'billing-sync', 'nightly-etl'];
      for (let i = 0; i < 12; i++) {
        const fails = i % 3 === 1;
        const steps = 3 + (i % 4);
        const job = (
          await postJob(demo, {
            task_id: tasks[i % 4],
            steps,
            step_ms: 150 + 40 * (i % 5),
            ...(fails ? { fail_at_step: 2 + (i % 2) } : {}),
          })
        ).body;
        if (fails) failed.push(job.run_id);
        if (fails) demoFailed.push(job.run_id);
        await sleep(700);
      }
      await page.waitForSelector(`${runRow(long.run_id)}[data-status="success"]`, {
        timeout: 30_000,
      });
      // The old run is held by the page, but the default window is the recent runs.
      const held = (await snapshot(page)).runs.map((r) => r.runId);
      expect(held).toContain(oldRun);
      const width = await page.$eval(
        `${runRow(long.run_id)} .tl-bar`,
        (bar) => bar.getBoundingClientRect().width,
      );
      console.log(`a 20 s run in the default window: ${width.toFixed(1)} px wide`);
      expect(width).toBeGreaterThanOrEqual(20);
      // Rows by start time: the order the runs were posted in.
      const order = await page.$$eval('#timeline .tl-row.run', (rows) =>
        rows
          .map((r) => ({
            id: (r as HTMLElement).dataset['runId'],
            y: new DOMMatrix(getComputedStyle(r).transform).m42,
          }))
          .sort((a, b) => a.y - b.y)
          .map((r) => r.id),
      );
      expect(order.indexOf(long.run_id)).toBeLessThan(order.indexOf(demoFailed[0]));
      expect(order.indexOf(demoFailed[0])).toBeLessThan(
        order.indexOf(demoFailed[demoFailed.length - 1]),
      );

      await page.screenshot({ path: SCREENSHOT });

      // The counts of a window equal the server's for the same window.
      const until = second(Date.now() + 2000);
      await page.goto(`${demo.origin}/dashboard/?from=${since}&to=${until}`);
      await live(page);
      await page.waitForSelector('#zoom-out:not([hidden])');
      await page.waitForSelector(
        `${runRow(demoFailed[demoFailed.length - 1])}[data-status="failed"]`,
      );
      // The failed colour is the dominant colour of a failed bar's pixels, in this fixed window
      // (bars stand still). The latest failed run: the list shows the newest runs, whole.
      // The bar's box, as drawn now: a screenshot of the page clipped to it (an element
      // screenshot would scroll the list, which redraws its rows).
      const box = await page.$eval(
        `${runRow(demoFailed[demoFailed.length - 1])} .tl-bar`,
        (bar) => {
          const r = bar.getBoundingClientRect();
          const view = (document.querySelector('#timeline') as Element).getBoundingClientRect();
          return {
            x: r.x,
            y: r.y,
            width: r.width,
            height: r.height,
            inView: r.top >= view.top && r.bottom <= view.bottom,
          };
        },
      );
      expect(box.inView).toBe(true);
      const shot = await page.screenshot({
        clip: { x: box.x, y: box.y, width: box.width, height: box.height },
      });
      const colours = await dominantColours(page, shot);
      console.log(
        `a failed bar (${box.width.toFixed(1)}×${box.height} px): ${JSON.stringify(colours.slice(0, 3))}`,
      );
      expect(colours[0].rgb).toEqual(FAILED_RGB);
      expect(colours[0].share).toBeGreaterThan(0.5);
      const server = await serverCounts(demo, since, until);
      await page.waitForSelector(
        `${runRow(demoFailed[demoFailed.length - 1])}[data-status="failed"]`,
      );

      const shownLevels = () =>
        page.$$eval('#rate-totals .total', (spans) =>
          Object.fromEntries(
            spans.map((s) => [
              (s as HTMLElement).dataset['level'],
              Number((s as HTMLElement).dataset['count']),
            ]),
          ),
        );
      await waitFor(async () =>
        JSON.stringify(await shownLevels()) === JSON.stringify(server.levels) ? true : undefined,
      ).catch(() => undefined);
      expect(await shownLevels()).toEqual(server.levels);
      expect(await page.getAttribute('#rate-totals', 'data-since')).toBe(since);
      expect(await page.textContent('#rate-totals')).toContain('in this window');
      await waitFor(async () =>
        (await page.getAttribute('#runs-summary', 'data-runs')) === String(server.runs)
          ? true
          : undefined,
      ).catch(() => undefined);
      expect(await page.textContent('#runs-summary')).toContain(`${server.runs} runs`);
      expect(await page.getAttribute('#runs-summary', 'data-failed')).toBe(String(server.failed));
      expect(await page.textContent('#runs-summary')).toContain('in this window');
      expect(server.failed).toBe(failed.length);

      // Failures grouped by reason: "step 2 of 4 failed" and "step 3 of 6 failed" are one group.
      // The failures panel redraws on its own, slower beat (500 ms): wait for its next frame.
      const shownGroups = () =>
        page.$$eval('#failures li.f-group', (items) =>
          items.map((i) => [
            (i as HTMLElement).dataset['reason'],
            Number((i as HTMLElement).dataset['count']),
          ]),
        );
      const expectedGroups = [
        ['step # of # failed', server.reasons['step']],
        ['quota exceeded for "…" (request <id>)', server.reasons['quota']],
      ];
      await waitFor(async () =>
        JSON.stringify(await shownGroups()) === JSON.stringify(expectedGroups) ? true : undefined,
      ).catch(() => undefined);
      expect(await shownGroups()).toEqual(expectedGroups);
      expect(server.reasons['step'] + server.reasons['quota']).toBe(server.failed);
      expect(await page.getAttribute('#failures-count', 'data-count')).toBe(String(server.failed));
      // A group opens its runs.
      const stepGroup = '#failures li.f-group[data-reason="step # of # failed"]';
      await page.click(`${stepGroup} .reason`);
      await page.waitForSelector(`${stepGroup} .f-runs li[data-run-id="${demoFailed[0]}"]`);
      expect(
        await page.$$eval(`${stepGroup} .f-runs li[data-run-id]`, (l) =>
          l.map((li) => (li as HTMLElement).dataset['runId']).sort(),
        ),
      ).toEqual([...demoFailed].sort());
      await page.click('#failures li.f-group[data-reason^="quota"] .reason');
      await page.waitForSelector(`#failures .f-runs li[data-run-id="${quotaRuns[1]}"]`);
      await page.locator('.failures-panel').screenshot({ path: picture('dashboard-failures') });
      await page.close();
    }, 120_000);

    it('opens a run with its step waterfall, its stack trace, its alerts and its API link', async () => {
      const job = (
        await postJob(demo, { task_id: 'reindex-search', steps: 6, step_ms: 120, fail_at_step: 5 })
      ).body;
      await waitFor(async () => {
        const page = await http<{ events: unknown[] }>(
          `${demo.api}/orchestrator/events?run_id=${job.run_id}&event=job_failed`,
        );
        return page.body.events.length === 1 || undefined;
      });
      // An alert for the run, as the alerts module logs it.
      const ms = Date.now();
      fs.appendFileSync(
        demo.logFile,
        `${JSON.stringify({
          timestamp: new Date(ms).toISOString().replace('Z', '000Z'),
          level: 'INFO',
          logger: 'orchestrator_events',
          event: 'alert_sent',
          event_id: `${ms}-000000-o-alerts`,
          orch_id: 'o-alerts',
          task_id: job.task_id,
          run_id: job.run_id,
          alert: 'failed-runs',
          channel: 'webhook',
        })}\n`,
      );
      const page = await browser().newPage({ viewport: VIEWPORT });
      await page.goto(`${demo.origin}/dashboard/?run=${job.run_id}`);
      await page.waitForSelector('#run-waterfall .wf-row');
      // Steps 1-4 logged, then the failure: five segments.
      await waitFor(async () =>
        (await page.$$('#run-waterfall .wf-row')).length === 5 ? true : undefined,
      );
      const labels = await page.$$eval('#run-waterfall .wf-row', (rows) =>
        rows.map((r) => (r as HTMLElement).dataset['label']),
      );
      expect(labels).toEqual(['step 1', 'step 2', 'step 3', 'step 4', 'job_failed']);
      const stack = await page.textContent('#run-error');
      expect(stack).toMatch(/^Error: step 5 of 6 failed\n\s+at /);
      expect(await page.$eval('#run-error', (pre) => getComputedStyle(pre).whiteSpace)).toBe('pre');
      await page.waitForSelector(
        '#run-alerts li[data-alert="failed-runs"][data-event="alert_sent"]',
      );
      const api = await page.getAttribute('#run-api', 'href');
      expect(api).toBe(`${demo.api}/orchestrator/events?run_id=${job.run_id}&limit=1000`);
      const events = await http<{ events: { run_id: string }[] }>(String(api));
      expect(events.body.events.length).toBe(7);
      await page.screenshot({ path: picture('dashboard-run') });
      await page.close();
    });

    it('follows new runs at the bottom, but moves no row under the pointer', async () => {
      const page = await browser().newPage({ viewport: VIEWPORT });
      await page.goto(`${demo.origin}/dashboard/?window=15m`);
      await live(page);
      // More rows than the panel holds: the list shows the newest, at the bottom.
      const overflow = () =>
        page.$eval('#timeline', (v) => v.scrollHeight > v.clientHeight + 22 && v.scrollTop > 0);
      await waitFor(async () => ((await overflow()) ? true : undefined));
      const lastShown = () =>
        page.$eval('#timeline', (v) => {
          const box = v.getBoundingClientRect();
          const hit = document.elementFromPoint(box.left + 60, box.bottom - 8);
          return (hit?.closest('.tl-row') as HTMLElement | null)?.dataset['runId'];
        });
      const hovered = await lastShown();
      const rowTop = () =>
        page.$eval(runRow(String(hovered)), (r) => Math.round(r.getBoundingClientRect().top));
      await page.hover(`${runRow(String(hovered))} .tl-label`);
      const before = await rowTop();
      const job = (await postJob(demo, { task_id: 'hover', steps: 1, step_ms: 1 })).body;
      await waitFor(async () =>
        (await snapshot(page)).runs.some((r) => r.runId === job.run_id) ? true : undefined,
      );
      await sleep(800);
      expect(await rowTop()).toBe(before);
      // The pointer gone, the list follows the new run again.
      await page.mouse.move(5, 5);
      await waitFor(async () => ((await lastShown()) === job.run_id ? true : undefined));
      await page.close();
    });

    it('dates the times of a run that crosses midnight', async () => {
      const page = await browser().newPage({ viewport: VIEWPORT });
      await page.goto(`${demo.origin}/dashboard/?run=midnight-run`);
      await page.waitForSelector('#run-count[data-count="3"]');
      await page.waitForSelector('#run-view.dated');
      const times = await page.$$eval('#run-events .ev-row .ev-time', (cells) =>
        cells.map((c) => c.textContent ?? '').sort(),
      );
      const day = (ms: number) => new Date(ms).toISOString().slice(5, 10);
      const midnight = Math.floor(Date.now() / 86_400_000) * 86_400_000;
      expect(times).toEqual([
        `${day(midnight - 10_000)} 23:59:50.000`,
        `${day(midnight)} 00:00:00.000`,
        `${day(midnight)} 00:00:10.000`,
      ]);
      await page.close();
    });

    it('filters runs by status in the URL, zooms by dragging and back, one time axis for both', async () => {
      await postJob(demo, { task_id: 'status-a', steps: 2, step_ms: 50, fail_at_step: 2 });
      await postJob(demo, { task_id: 'status-a', steps: 2, step_ms: 50 });
      const page = await browser().newPage({ viewport: VIEWPORT });
      await page.goto(`${demo.origin}/dashboard/?window=15m`);
      await live(page);
      await page.waitForSelector('#timeline .tl-row.run[data-status="success"]');
      await page.selectOption('#filters select[name="status"]', 'failed');
      await page.waitForURL(/\?window=15m&status=failed$/);
      await page.reload();
      await live(page);
      expect(await page.inputValue('#filters select[name="status"]')).toBe('failed');
      await page.waitForSelector('#timeline .tl-row.run[data-status="failed"]');
      await sleep(600);
      const statuses = await page.$$eval('#timeline .tl-row.run', (rows) =>
        rows.map((r) => (r as HTMLElement).dataset['status']),
      );
      expect(statuses.length).toBeGreaterThan(0);
      expect(new Set(statuses)).toEqual(new Set(['failed']));
      expect(await page.textContent('#runs-summary')).toContain('status failed');

      // The chart's plot area lies over the timeline's track: one time axis, pixel for pixel.
      const boxes = await page.evaluate(() => {
        const box = (sel: string) => {
          const r = (document.querySelector(sel) as Element).getBoundingClientRect();
          return { left: r.left, right: r.right };
        };
        return { track: box('#timeline-axis'), plot: box('#rate-chart .u-over') };
      });
      expect(Math.abs(boxes.track.left - boxes.plot.left)).toBeLessThanOrEqual(1);
      expect(Math.abs(boxes.track.right - boxes.plot.right)).toBeLessThanOrEqual(1);

      // Drag over the middle half of the axis: the window is that span, in the URL.
      const a = (await page.locator('#timeline-axis').boundingBox()) as {
        x: number;
        y: number;
        width: number;
        height: number;
      };
      await page.mouse.move(a.x + a.width * 0.25, a.y + a.height / 2);
      await page.mouse.down();
      await page.mouse.move(a.x + a.width * 0.5, a.y + a.height / 2, { steps: 5 });
      await page.mouse.move(a.x + a.width * 0.75, a.y + a.height / 2, { steps: 5 });
      await page.mouse.up();
      await page.waitForURL(/&from=.*&to=/);
      const url = new URL(page.url());
      const span =
        Date.parse(String(url.searchParams.get('to'))) -
        Date.parse(String(url.searchParams.get('from')));
      expect(span).toBeGreaterThan(7 * 60_000 - 20_000);
      expect(span).toBeLessThan(7.5 * 60_000 + 20_000);
      await page.waitForSelector('#zoom-out:not([hidden])');
      await page.click('#zoom-out');
      await page.waitForURL(/\?window=15m&status=failed$/);
      await page.goBack();
      await page.waitForURL(/&from=/);
      await page.goBack();
      await page.waitForURL(/\?window=15m&status=failed$/);
      await page.waitForSelector('#zoom-out', { state: 'hidden' });
      await page.close();
    });
  });

  it('resumes after a server restart without loss or duplicates', async () => {
    const port = await freePort();
    let app = await startApp({ port });
    try {
      const page = await browser().newPage({ viewport: VIEWPORT });
      await page.goto(`${app.origin}/dashboard/`);
      await live(page);
      const before = (await postJob(app, { task_id: 'restart', steps: 2, step_ms: 1 })).body;
      await page.waitForSelector(`${runRow(before.run_id)}[data-status="success"]`);

      expect(await app.stop()).toBe(0);
      await page.waitForSelector('#conn[data-state="reconnecting"]');
      app = await startApp({ port, dir: app.dir });
      // Logged while the page is still disconnected: it must catch up from its last id.
      const after = (await postJob(app, { task_id: 'restart', steps: 3, step_ms: 0 })).body;
      await page.waitForSelector(`${runRow(after.run_id)}[data-status="success"]`, {
        timeout: 30_000,
      });
      await live(page, 30_000);
      const stored = (
        await http<{ events: { event_id: string }[] }>(`${app.api}/orchestrator/events?limit=1000`)
      ).body.events.map((e) => e.event_id);
      const shown = (await snapshot(page)).eventIds;
      expect(new Set(shown).size).toBe(shown.length);
      expect([...shown].sort()).toEqual([...stored].sort());
      await page.close();
    } finally {
      await app.stop();
    }
  });

  it('asks for the token on a 401, keeps it for the tab, and goes live with it', async () => {
    const token = 'dashboard-token-0123456789';
    const secured = await startApp({ env: { ORCH_EVENTS_TOKEN: token } });
    try {
      const page = await browser().newPage({ viewport: VIEWPORT });
      const urls: string[] = [];
      const bearer: string[] = [];
      page.on('request', (req) => {
        if (!req.url().includes('/orchestrator/events')) return;
        urls.push(req.url());
        bearer.push(req.headers()['authorization'] ?? '');
      });
      await page.goto(`${secured.origin}/dashboard/`);
      await page.waitForSelector('#token-form:not([hidden])');
      expect(await page.getAttribute('#conn', 'data-state')).toBe('unauthorized');
      await page.fill('#token-form input[name="token"]', 'not-the-token-0123456789');
      await page.click('#token-form button[type="submit"]');
      await page.waitForSelector('#token-error:text("The server refused that token.")');
      await page.fill('#token-form input[name="token"]', token);
      await page.click('#token-form button[type="submit"]');
      await live(page);
      const job = (await postJob(secured, { task_id: 'secured', steps: 1, step_ms: 1 })).body;
      await page.waitForSelector(`${runRow(job.run_id)}[data-status="success"]`);
      expect(await page.evaluate(() => sessionStorage.getItem('orch_events_token'))).toBe(token);
      // The token travels in the Authorization header, never in a URL.
      expect(urls.every((u) => !u.includes(token))).toBe(true);
      expect(bearer.at(-1)).toBe(`Bearer ${token}`);
      // This tab keeps it: a reload goes live without asking.
      await page.reload();
      await live(page);
      expect(await page.isHidden('#token-form')).toBe(true);
      await page.close();
    } finally {
      await secured.stop();
    }
  });

  it('stays responsive at 1,000 events/s for 30 s, with bounded memory and the server’s counts', async () => {
    const RATE = 1000;
    const SECONDS = 30;
    const total = RATE * SECONDS;
    const user = await startInProcessApp({
      level: 'DEBUG',
      sseFastPath: true,
      dashboard: { path: 'dashboard' },
    });
    // A browser of its own: a renderer with nothing left from the other tests.
    const fresh = await launchChromium();
    try {
      const page = await fresh.newPage({ viewport: VIEWPORT });
      await page.addInitScript(() => {
        const tasks: { start: number; duration: number }[] = [];
        (window as unknown as { __longTasks: typeof tasks }).__longTasks = tasks;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries())
            tasks.push({ start: e.startTime, duration: e.duration });
        }).observe({ type: 'longtask', buffered: true });
      });
      await page.goto(`${user.origin}/dashboard/`);
      await live(page);
      const startedAt = await page.evaluate(() => performance.now());
      // DASHBOARD_PROFILE=<file>: a CPU profile of the page during the load (Chrome's format).
      const profile = process.env['DASHBOARD_PROFILE'];
      const cdp = profile ? await page.context().newCDPSession(page) : undefined;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.start');
      }
      const trace = process.env['DASHBOARD_TRACE'];
      if (trace) await fresh.startTracing(page, { path: trace, screenshots: false });

      const workload = new Workload(user);
      const t0 = Date.now();
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          const due = Math.min(total, Math.floor(((Date.now() - t0) * RATE) / 1000));
          while (workload.logged < due) workload.next();
          if (workload.logged >= total) {
            clearInterval(timer);
            resolve();
          }
        }, 5);
      });
      const elapsed = (Date.now() - t0) / 1000;
      if (cdp && profile) {
        fs.writeFileSync(profile, JSON.stringify((await cdp.send('Profiler.stop')).profile));
      }
      if (trace) await fresh.stopTracing();
      await user.events.flush();

      // The server's own count, per level, through the client library.
      const client = new OrchestratorEventsClient({
        baseUrl: user.origin,
        eventsPath: '/orchestrator/events',
      });
      const server: Record<string, number> = { DEBUG: 0, INFO: 0, WARNING: 0, ERROR: 0 };
      let serverTotal = 0;
      for await (const event of client.queryAll({})) {
        server[event.level]++;
        serverTotal++;
      }
      expect(serverTotal).toBe(total);
      const shown = await waitFor(async () => {
        const s = await snapshot(page);
        return s.received === serverTotal ? s : undefined;
      }, 30_000);
      expect(shown.levelTotals).toEqual(server);
      // Memory stays bounded: a window of the newest events, a bounded set of runs.
      expect(shown.kept).toBe(5000);
      expect(shown.runs.length).toBeLessThanOrEqual(1000);
      expect(shown.runs.length).toBe(workload.runs);
      expect(await page.textContent('#event-count')).toContain('30,000 events');

      const longTasks = await page.evaluate(
        (from) =>
          (
            window as unknown as { __longTasks: { start: number; duration: number }[] }
          ).__longTasks.filter((t) => t.start >= from),
        startedAt + 1000,
      );
      const longest = Math.max(0, ...longTasks.map((t) => t.duration));
      const heapMb = await page.evaluate(
        () =>
          ((performance as unknown as { memory?: { usedJSHeapSize: number } }).memory
            ?.usedJSHeapSize ?? 0) / 1e6,
      );
      console.log(
        `dashboard at ${RATE} events/s for ${SECONDS} s (logged in ${elapsed.toFixed(1)} s, ` +
          `load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores): ` +
          `longest main-thread task after the first second ${longest.toFixed(0)} ms ` +
          `(${longTasks.length} tasks over 50 ms), ${shown.kept} events kept of ` +
          `${shown.received}, ${shown.runs.length} runs, JS heap ${heapMb.toFixed(1)} MB; ` +
          `longest redraw of each part (ms): ${Object.entries(shown.longestRenderMs)
            .map(([part, ms]) => `${part} ${ms.toFixed(0)}`)
            .join(', ')}`,
      );
      // The figure is printed, not asserted: a time measured on a shared, busy machine is the
      // machine's as much as the page's (standards: speed is a benchmark figure, not a test
      // verdict). What the page must do at this rate, it is asserted above: the same counts as
      // the server, a bounded window. The page's own redraws are printed beside it.
    } finally {
      await fresh.close();
      await user.close();
    }
  }, 240_000);
});

/** The lines of a short failed run, as another orchestrator's logger writes them. */
function otherRun(ms: number, runId: string, taskId: string, customer: string): string {
  const line = (dt: number, seq: number, event: string, extra: Record<string, unknown>) =>
    `${JSON.stringify({
      timestamp: new Date(ms + dt).toISOString().replace('Z', '000Z'),
      level: event === 'job_failed' ? 'ERROR' : 'INFO',
      logger: 'orchestrator_events',
      event,
      event_id: `${ms + dt}-${String(seq).padStart(6, '0')}-o-other`,
      orch_id: 'o-other',
      task_id: taskId,
      run_id: runId,
      ...extra,
    })}\n`;
  const request = `${customer === 'acme' ? '8f3a9c21' : '77ab01c2'}d4e5`;
  return (
    line(0, 0, 'job_started', { status: 'running' }) +
    line(300, 0, 'job_failed', {
      status: 'failed',
      error: { message: `quota exceeded for "${customer}" (request ${request})` },
    })
  );
}

/** The colours of a screenshot's pixels, most frequent first (decoded by the browser itself). */
async function dominantColours(
  page: Page,
  png: Buffer,
): Promise<{ rgb: number[]; share: number }[]> {
  return page.evaluate(async (data) => {
    const img = new Image();
    img.src = `data:image/png;base64,${data}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    ctx.drawImage(img, 0, 0);
    const pixels = ctx.getImageData(0, 0, img.width, img.height).data;
    const counts = new Map<string, number>();
    for (let i = 0; i < pixels.length; i += 4) {
      const key = `${pixels[i]},${pixels[i + 1]},${pixels[i + 2]}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const total = pixels.length / 4;
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([key, n]) => ({ rgb: key.split(',').map(Number), share: n / total }));
  }, png.toString('base64'));
}

/** The server's counts for a window: events per level, runs with an event in it, failed runs. */
async function serverCounts(app: RunningApp, since: string, until: string) {
  const client = new OrchestratorEventsClient({
    baseUrl: app.origin,
    eventsPath: '/api/v1/orchestrator/events',
  });
  const levels: Record<string, number> = { DEBUG: 0, INFO: 0, WARNING: 0, ERROR: 0 };
  const runs = new Set<string>();
  const failed = new Set<string>();
  const reasons: Record<string, number> = {};
  for await (const event of client.queryAll({ since, until })) {
    levels[event.level]++;
    if (event.run_id) runs.add(event.run_id);
    if (event.event === 'job_failed' && event.run_id) {
      failed.add(event.run_id);
      const message = (event['error'] as { message?: string } | undefined)?.message ?? '';
      const kind = message.split(' ')[0];
      reasons[kind] = (reasons[kind] ?? 0) + 1;
    }
  }
  return { levels, runs: runs.size, failed: failed.size, reasons };
}

/**
 * An orchestrator's traffic: 20 runs at a time across 10 tasks, 48 steps each, a WARNING every
 * 16th step, a DEBUG heartbeat now and then, every 7th run failing with an ERROR.
 */
class Workload {
  logged = 0;
  runs = 0;
  private readonly slots: (
    { runId: string; taskId: string; step: number; fails: boolean } | undefined
  )[] = new Array(20).fill(undefined);

  constructor(private readonly app: InProcessApp) {}

  next(): void {
    const events = this.app.events;
    this.logged++;
    if (this.logged % 25 === 0) {
      events.debug('scheduler_tick', { queued: this.logged % 97 });
      return;
    }
    const index = this.logged % this.slots.length;
    const slot = this.slots[index];
    if (slot === undefined) {
      const n = this.runs++;
      const run = { runId: `load-${n}`, taskId: `task-${n % 10}`, step: 0, fails: n % 7 === 3 };
      this.slots[index] = run;
      events.log({
        event: 'job_started',
        task_id: run.taskId,
        run_id: run.runId,
        status: 'running',
        steps: 48,
      });
      return;
    }
    const ids = { task_id: slot.taskId, run_id: slot.runId };
    if (slot.fails && slot.step === 20) {
      this.slots[index] = undefined;
      events.error('job_failed', {
        ...ids,
        status: 'failed',
        error: { message: 'quota exceeded' },
      });
      return;
    }
    if (slot.step === 48) {
      this.slots[index] = undefined;
      events.log({ event: 'job_completed', ...ids, status: 'success' });
      return;
    }
    slot.step++;
    if (slot.step % 16 === 0)
      events.warn('job_step', { ...ids, step: slot.step, steps: 48, slow: true });
    else events.info('job_step', { ...ids, step: slot.step, steps: 48 });
  }
}
