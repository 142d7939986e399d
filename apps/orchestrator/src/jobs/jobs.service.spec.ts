import { Test, TestingModule } from '@nestjs/testing';
import { EventHistory, EventLogger, OrchestratorEventsModule } from '@orchestrator/events';
import type { OrchestratorEvent } from '@orchestrator/events-contract';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JobsModule } from './jobs.module';
import { JobsService } from './jobs.service';

describe('JobsService', () => {
  let dir: string;
  let module: TestingModule;
  let jobs: JobsService;
  let events: EventLogger;
  let past: EventHistory;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-'));
    module = await Test.createTestingModule({
      imports: [
        OrchestratorEventsModule.forRoot({ logFile: path.join(dir, 'orch.log'), env: {} }),
        JobsModule,
      ],
    }).compile();
    await module.init();
    jobs = module.get(JobsService);
    events = module.get(EventLogger);
    past = module.get(EventHistory);
  });

  afterEach(async () => {
    await module.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function lifeOf(runId: string, last: string): Promise<OrchestratorEvent[]> {
    const seen: OrchestratorEvent[] = [];
    await new Promise<void>((resolve) => {
      const sub = events.stream({ run_id: runId }).subscribe((e) => {
        seen.push(e);
        if (e.event === last) {
          sub.unsubscribe();
          resolve();
        }
      });
    });
    return seen;
  }

  it('records started, each step and completed with the job ids', async () => {
    const handle = jobs.start({ steps: 3, step_ms: 5, task_id: 'demo-1' });
    expect(handle.task_id).toBe('demo-1');
    // Subscribed in the turn that started the job: events go out at the end of the turn, so even
    // job_started is seen live.
    const life = await lifeOf(handle.run_id, 'job_completed');
    expect(life.map((e) => [e.event, e.status ?? null, e['step'] ?? null])).toEqual([
      ['job_started', 'running', null],
      ['job_step', null, 1],
      ['job_step', null, 2],
      ['job_step', null, 3],
      ['job_completed', 'success', null],
    ]);
    const history = await past.query({ run_id: handle.run_id });
    expect(history.events[0]).toMatchObject({
      event: 'job_started',
      status: 'running',
      task_id: 'demo-1',
    });
    expect(history.events[4]).toMatchObject({ result: { steps_done: 3 } });
    expect(history.events.every((e) => e.task_id === 'demo-1')).toBe(true);
  });

  it('records job_failed at the failing step, with the error', async () => {
    const handle = jobs.start({ steps: 3, step_ms: 1, fail_at_step: 2 });
    expect(handle.task_id).toMatch(/^task-/);
    const life = await lifeOf(handle.run_id, 'job_failed');
    expect(life.map((e) => e.event)).toEqual(['job_started', 'job_step', 'job_failed']);
    expect(life[2]).toMatchObject({
      level: 'ERROR',
      status: 'failed',
      error: { message: 'step 2 of 3 failed' },
    });
  });

  it('ends jobs in flight with job_failed "shutdown" when the app stops; orchestrator_stopped is last', async () => {
    const handles = [
      jobs.start({ steps: 1000, step_ms: 20 }),
      jobs.start({ steps: 1000, step_ms: 20 }),
    ];
    await new Promise((r) => setTimeout(r, 50));
    await module.close();
    const lines = fs
      .readFileSync(path.join(dir, 'orch.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as OrchestratorEvent);
    for (const handle of handles) {
      const life = lines.filter((e) => e.run_id === handle.run_id);
      expect(life[0]).toMatchObject({ event: 'job_started', status: 'running' });
      expect(life[life.length - 1]).toMatchObject({
        event: 'job_failed',
        level: 'ERROR',
        status: 'failed',
        error: { name: 'JobInterruptedError', message: 'shutdown' },
      });
    }
    expect(lines[lines.length - 1]).toMatchObject({ event: 'orchestrator_stopped' });
    // afterEach closes again: a second close() is harmless.
  });

  it('runs 50 jobs at once without a MaxListenersExceededWarning, and stops them all', async () => {
    // Node prints the warning on stderr (jest's sandboxed `process` gets no 'warning' event).
    const stderr: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      stderr.push(String(chunk));
      return write.call(process.stderr, chunk, ...rest);
    }) as typeof process.stderr.write;
    try {
      const handles = Array.from({ length: 50 }, () => jobs.start({ steps: 1000, step_ms: 20 }));
      await new Promise((r) => setTimeout(r, 100));
      expect(jobs.active).toBe(50);
      await module.close();
      // A warning is emitted on the next tick after the listener that passes the limit.
      await new Promise((r) => setImmediate(r));
      expect(stderr.filter((text) => text.includes('MaxListenersExceededWarning'))).toEqual([]);
      expect(jobs.active).toBe(0);
      const failed = fs
        .readFileSync(path.join(dir, 'orch.log'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as OrchestratorEvent)
        .filter((e) => e.event === 'job_failed');
      expect(new Set(failed.map((e) => e.run_id))).toEqual(new Set(handles.map((h) => h.run_id)));
    } finally {
      process.stderr.write = write;
    }
  });

  it('ends a job started once shutdown began at once, with job_failed "shutdown"', async () => {
    await jobs.beforeApplicationShutdown();
    const handle = jobs.start({ steps: 1000, step_ms: 20 });
    const life = await lifeOf(handle.run_id, 'job_failed');
    expect(life.map((e) => e.event)).toEqual(['job_started', 'job_failed']);
    expect(life[1]).toMatchObject({ error: { message: 'shutdown' } });
  });
});
