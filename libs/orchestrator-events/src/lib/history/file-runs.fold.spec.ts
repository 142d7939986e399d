import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLogger } from '../../testing/logger-module';
import { tempDir } from '../../testing/temp-dir';
import { LogFileSet } from '../file/log-file-set';
import { EventHistory } from './event-history.service';
import { FileRunsFold } from './file-runs.fold';

const ALL = { limit: 1000 };

describe('FileRunsFold: the files folded once, then kept up to date', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('answers as a fold from scratch after appends and rotations (real logger, 4 KiB files)', async () => {
    const file = path.join(dir, 'orch.log');
    const { module, logger } = await createLogger({ logFile: file, maxSize: '4k', maxFiles: 3 });
    try {
      const history = module.get(EventHistory);
      const fresh = () =>
        new FileRunsFold(
          new LogFileSet(file, 3),
          () => undefined,
          () => 0,
        ).runs(ALL);
      let rotationsSeen = 0;
      for (let batch = 0; batch < 12; batch++) {
        for (let i = 0; i < 3; i++) {
          const run = `r-${batch}-${i}`;
          logger.info('job_started', { task_id: `t-${i}`, run_id: run, steps: 2 });
          logger.info('job_step', { task_id: `t-${i}`, run_id: run, step: 1, steps: 2 });
          // Runs end in a later batch too: a run spans appends (and rotations).
          if (batch > 0) {
            logger.info(i === 1 ? 'job_failed' : 'job_completed', {
              run_id: `r-${batch - 1}-${i}`,
              error: i === 1 ? { message: `boom ${batch}` } : undefined,
            });
          }
        }
        // Queries after some batches only: between two, the files may rotate and the new current
        // file grow past where the previous query stopped (the rotation count must tell).
        if (![0, 1, 4, 5, 9, 10, 11].includes(batch)) continue;
        const kept = await history.runs(ALL);
        await logger.flush();
        expect(kept).toEqual(await fresh());
        rotationsSeen = fs.readdirSync(dir).filter((f) => /\.log\.\d$/.test(f)).length;
      }
      // The files did rotate (old runs left the retention), and runs ended across appends.
      expect(rotationsSeen).toBe(3);
      const last = await history.runs({ task_id: 't-1', limit: 2 });
      expect(last.runs.map((r) => [r.run_id, r.status, r.failure])).toEqual([
        ['r-11-1', 'running', undefined],
        ['r-10-1', 'failed', 'boom 11'],
      ]);
    } finally {
      await module.close();
    }
  });

  const line = (id: string, event: string, run_id = 'r1') =>
    JSON.stringify({
      timestamp: '2026-11-24T10:00:00.000000Z',
      level: 'INFO',
      logger: 'orchestrator_events',
      event,
      event_id: id,
      orch_id: 'o',
      run_id,
    });

  it('folds everything again after a rotation, even when the new file outgrew the old offset', async () => {
    const file = path.join(dir, 'orch.log');
    let rotations = 0;
    // No backups kept: after the rotation, only the new file's runs remain.
    const fold = new FileRunsFold(
      new LogFileSet(file, 0),
      () => undefined,
      () => rotations,
    );
    fs.writeFileSync(file, `${line('1', 'job_started', 'old')}\n`);
    expect((await fold.runs(ALL)).runs.map((r) => r.run_id)).toEqual(['old']);
    fs.renameSync(file, `${file}.1`);
    rotations++;
    const lines = ['2', '3', '4'].map((id) => line(id, 'job_step', 'new'));
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    expect((await fold.runs(ALL)).runs).toEqual([
      expect.objectContaining({ run_id: 'new', events: 3 }),
    ]);
  });

  it('folds a line only once it is complete', async () => {
    const file = path.join(dir, 'orch.log');
    fs.writeFileSync(file, `${line('1', 'job_started')}\n`);
    const third = line('3', 'job_completed');
    fs.appendFileSync(file, `${line('2', 'job_step')}\n${third.slice(0, 40)}`);
    const fold = new FileRunsFold(
      new LogFileSet(file, 0),
      () => undefined,
      () => 0,
    );
    expect((await fold.runs(ALL)).runs).toEqual([
      expect.objectContaining({ events: 2, status: 'running' }),
    ]);
    fs.appendFileSync(file, `${third.slice(40)}\n`);
    expect((await fold.runs(ALL)).runs).toEqual([
      expect.objectContaining({ events: 3, status: 'success', last_event_id: '3' }),
    ]);
  });

  it('hands out copies: a page does not change when later events are folded', async () => {
    const file = path.join(dir, 'orch.log');
    const { module, logger } = await createLogger({ logFile: file });
    try {
      const history = module.get(EventHistory);
      logger.info('job_started', { run_id: 'r1' });
      const before = await history.runs();
      logger.info('job_completed', { run_id: 'r1' });
      const after = await history.runs();
      expect([before.runs[0].status, after.runs[0].status]).toEqual(['running', 'success']);
    } finally {
      await module.close();
    }
  });
});
