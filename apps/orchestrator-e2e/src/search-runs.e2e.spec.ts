import {
  CountsPage,
  OrchestratorEvent,
  OrchestratorEventsBadRequestError,
  RunsPage,
} from '@orchestrator/events-client';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { health, http, postJob, waitFor } from './support/app-process';
import { useDemoWithClient } from './support/demo-client';
import { RawSse } from './support/sse-raw';

const BIN = path.resolve(__dirname, '../../..', 'tools', 'orch-events.js');

/** `orch-events <args>` (the built client), its exit code and output. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * Search (`q`, `extras.<key>`), run records and counts against the built demo app: real HTTP, a
 * real SSE reader, the demo's jobs (which `track()`: job_started, job_step {step, steps},
 * job_completed or job_failed with error.message "step N of M failed").
 */
describe('search, runs and counts (demo app)', () => {
  const demo = useDemoWithClient();

  const events = async (query: string) =>
    (await http<{ events: OrchestratorEvent[] }>(`${demo.app.api}/orchestrator/events?${query}`))
      .body.events;

  /** Runs a job to its end and returns its ids. */
  async function job(spec: Record<string, unknown>) {
    const { body } = await postJob(demo.app, { step_ms: 0, ...spec });
    await waitFor(async () => {
      const page = await demo.client.runs({ task_id: body.task_id });
      const run = page.runs.find((r) => r.run_id === body.run_id);
      return run !== undefined && run.status !== 'running' ? run : undefined;
    });
    return body;
  }

  it('finds a failed run by q (error.message) and extras, on the list and through the client', async () => {
    const failed = await job({ task_id: 'search-etl', steps: 3, fail_at_step: 2 });
    const ok = await job({ task_id: 'search-etl', steps: 2 });
    const hits = await events('q=STEP%202%20of%203&task_id=search-etl');
    expect(hits.map((e) => [e.event, e.run_id])).toEqual([['job_failed', failed.run_id]]);
    const viaClient = await demo.client.query({ task_id: 'search-etl', q: 'step 2 FAILED' });
    expect(viaClient.events.map((e) => e.run_id)).toEqual([failed.run_id]);
    // steps=2 as JSON text: only the second job's events carry it (started and its steps).
    const twoSteps = await demo.client.query({ task_id: 'search-etl', extras: { steps: '2' } });
    expect(new Set(twoSteps.events.map((e) => e.run_id))).toEqual(new Set([ok.run_id]));
    expect(twoSteps.events.length).toBeGreaterThanOrEqual(3);
    const both = await events('task_id=search-etl&extras.step=1&extras.steps=3');
    expect(both.map((e) => [e.event, e.run_id])).toEqual([['job_step', failed.run_id]]);
  });

  it('filters a one-task stream by q exactly (the fast path that sends lines unparsed)', async () => {
    expect(
      (await health<{ sse_fast_path: { active: boolean } }>(demo.app)).sse_fast_path.active,
    ).toBe(true);
    const task = 'search-live';
    const sse = await RawSse.open(
      `${demo.app.api}/orchestrator/events/stream?task_id=${task}&q=failed`,
    );
    const plain = await RawSse.open(`${demo.app.api}/orchestrator/events/stream?task_id=${task}`);
    try {
      await job({ task_id: task, steps: 2 });
      const failed = await job({ task_id: task, steps: 2, fail_at_step: 1 });
      // The unfiltered stream is the witness that every event of both jobs was sent by then.
      await plain.until((frames) => frames.some((f) => f.data?.includes('"job_failed"')));
      await sse.until((frames) => frames.some((f) => f.id !== undefined));
      const got = sse.events.map((f) => JSON.parse(f.data ?? '{}') as OrchestratorEvent);
      expect(got.map((e) => [e.event, e.run_id])).toEqual([['job_failed', failed.run_id]]);
      expect(plain.events.length).toBeGreaterThan(4);
    } finally {
      sse.close();
      plain.close();
    }
  });

  it('filters a stream by extras through the client', async () => {
    const task = 'search-live-extras';
    const controller = new AbortController();
    const got: OrchestratorEvent[] = [];
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const reading = (async () => {
      for await (const event of demo.client.stream(
        { task_id: task, extras: { step: '2' } },
        { signal: controller.signal, onOpen: () => opened() },
      )) {
        got.push(event);
        if (got.length === 1) break;
      }
    })();
    await open;
    await job({ task_id: task, steps: 3 });
    await reading;
    controller.abort();
    expect(got.map((e) => [e.event, e.step])).toEqual([['job_step', 2]]);
  });

  it('answers 400 naming the parameter for bad search parameters, on both endpoints', async () => {
    for (const path of ['/orchestrator/events', '/orchestrator/events/stream']) {
      for (const [query, message] of [
        ['q=', /^q must be/],
        ['extras.level=INFO', /^extras\.level: /],
        ['extras.a=1&extras.b=1&extras.c=1&extras.d=1&extras.e=1&extras.f=1', /^at most 5/],
      ] as const) {
        const res = await http<{ message: string[] }>(`${demo.app.api}${path}?${query}`);
        expect([path, query, res.status]).toEqual([path, query, 400]);
        expect(res.body.message).toEqual([expect.stringMatching(message)]);
      }
    }
    await expect(demo.client.query({ q: ' ' })).rejects.toThrow(OrchestratorEventsBadRequestError);
  });

  it('lists runs as records: newest first, by task and status, paged with before', async () => {
    const task = 'runs-etl';
    const first = await job({ task_id: task, steps: 2 });
    const failed = await job({ task_id: task, steps: 3, fail_at_step: 3 });
    const last = await job({ task_id: task, steps: 1 });
    const { status, body } = await http<RunsPage>(
      `${demo.app.api}/orchestrator/runs?task_id=${task}`,
    );
    expect(status).toBe(200);
    expect(body.runs.map((r) => r.run_id)).toEqual([last.run_id, failed.run_id, first.run_id]);
    expect(body.runs[1]).toMatchObject({
      task_id: task,
      status: 'failed',
      steps_done: 2,
      steps_total: 3,
      failure: 'step 3 of 3 failed',
      events: 4,
    });
    expect(body.runs[0]).toMatchObject({ status: 'success', steps_done: 1, events: 3 });
    const onlyFailed = await demo.client.runs({ task_id: task, status: 'failed' });
    expect(onlyFailed.runs.map((r) => r.run_id)).toEqual([failed.run_id]);
    const page1 = await demo.client.runs({ task_id: task, limit: 2 });
    expect(page1.has_more).toBe(true);
    const page2 = await demo.client.runs({ task_id: task, limit: 2, before: page1.runs[1].run_id });
    expect(page2).toEqual({
      runs: [expect.objectContaining({ run_id: first.run_id })],
      has_more: false,
    });
    const bad = await http<{ message: string[] }>(`${demo.app.api}/orchestrator/runs?status=done`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual([expect.stringMatching(/^status must be one of/)]);
  });

  it('counts events per level per bucket with the events filters', async () => {
    const task = 'counts-etl';
    await job({ task_id: task, steps: 2, fail_at_step: 2 });
    const page: CountsPage = await demo.client.counts({ task_id: task, bucket: 3600 });
    expect(page.bucket).toBe(3600);
    const sum = (level: 'INFO' | 'ERROR') =>
      page.buckets.reduce((n, b) => n + (b.counts[level] ?? 0), 0);
    expect([sum('INFO'), sum('ERROR')]).toEqual([2, 1]);
    const errors = await demo.client.counts({ task_id: task, level: 'ERROR', q: 'failed' });
    expect(errors.buckets.map((b) => b.counts)).toEqual([{ ERROR: 1 }]);
    const bad = await http<{ message: string[] }>(
      `${demo.app.api}/orchestrator/events/counts?bucket=0`,
    );
    expect(bad.status).toBe(400);
  });

  it('documents runs, counts and the search parameters in the OpenAPI document', async () => {
    type Docs = { paths: Record<string, { get: { parameters?: { name: string }[] } }> };
    const docs = await http<Docs>(`${demo.app.origin}/api/docs-json`);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/orchestrator/runs', '/api/v1/orchestrator/events/counts']),
    );
    const names = (p: string) => docs.body.paths[p].get.parameters?.map((x) => x.name) ?? [];
    expect(names('/api/v1/orchestrator/events')).toEqual(
      expect.arrayContaining(['q', 'extras.{key}']),
    );
    expect(names('/api/v1/orchestrator/events/stream')).toEqual(
      expect.arrayContaining(['q', 'extras.{key}']),
    );
  });

  it('orch-events: query --q/--extra and runs, with the server 400 for a bad value', async () => {
    const task = 'cli-search';
    const failed = await job({ task_id: task, steps: 2, fail_at_step: 2 });
    const ok = await job({ task_id: task, steps: 2 });
    const found = await cli([
      'query',
      '--json',
      '--task-id',
      task,
      '--q',
      'STEP 2',
      '--url',
      demo.app.origin,
    ]);
    expect(found.code).toBe(0);
    const hits = found.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as OrchestratorEvent);
    // "step 2 of 2 failed" (error.message) only: the step numbers are numbers, not text.
    expect(hits.map((e) => [e.event, e.run_id])).toEqual([['job_failed', failed.run_id]]);
    const extra = await cli([
      'query',
      '--json',
      '--task-id',
      task,
      '--extra',
      'step=2',
      '--url',
      demo.app.origin,
    ]);
    const stepTwo = extra.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as OrchestratorEvent);
    expect(stepTwo.map((e) => [e.event, e.run_id])).toEqual([['job_step', ok.run_id]]);

    const runs = await cli(['runs', '--task-id', task, '--url', demo.app.origin]);
    expect(runs.code).toBe(0);
    const lines = runs.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(`success +${task} +${ok.run_id} +\\d+ ms +steps 2/2 +events 4$`),
    );
    expect(lines[1]).toContain(`failed   ${task}  ${failed.run_id}`);
    expect(lines[1]).toContain('failure="step 2 of 2 failed"');
    const json = await cli([
      'runs',
      '--json',
      '--status',
      'failed',
      '-n',
      '1',
      '--task-id',
      task,
      '--url',
      demo.app.origin,
    ]);
    expect(JSON.parse(json.stdout)).toMatchObject({ run_id: failed.run_id, status: 'failed' });
    // A bad time is refused before any request, by the rule the server applies (exit 2)...
    const badTime = await cli(['runs', '--since', 'yesterday', '--url', demo.app.origin]);
    expect(badTime).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('invalid --since "yesterday"'),
    });
    // ...and what only the server can judge comes back as its 400 (exit 1).
    const bad = await cli(['runs', '--before', 'no such run', '--url', demo.app.origin]);
    expect(bad).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('before must be'),
    });
  });
});
