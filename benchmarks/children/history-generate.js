'use strict';
/**
 * Figure 6, once per bench run: a full retention written by the real EventLogger (10 MiB files, 5
 * backups), through OrchestratorEventsModule.forRoot() in a Nest application context like
 * children/sinks/event-logger.js. Logs until the 5th backup exists and the current file holds
 * CURRENT_FILL of its 10 MiB (room left for what the demo app logs during the runs, so no rotation
 * drops the oldest backup between runs).
 *
 * Mixed events over about 1,000 task_ids: half of them on 10 busy tasks (`task-hot-0..9`), the rest
 * on 990 others (`task-0..989`); one task (`task-rare`) only early on, so only in the oldest backup;
 * one event name (`quota_exceeded`) every 6,007th event (at 10 MiB files), spread over every file.
 *
 * usage: history-generate.js <dir> [maxSize]
 *   (reports the files, their sizes and where the rare ones are). `maxSize` in bytes, default 10 MiB:
 *   figure 13 (growth) and --quick change it, and every count above scales with it, so that each
 *   retention has the same shape: 40 events of the rare task in the oldest backup, about 35 of the
 *   rare event spread over all files.
 */
require('reflect-metadata');
const fs = require('node:fs');
const path = require('node:path');
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { LIBRARY, report, runMain, yieldToLoop } = require('./shared');

const MAX_FILES = 5;
const DEFAULT_MAX_SIZE = 10 * 1024 * 1024;
const CURRENT_FILL = 0.9;
const RARE_TASK = 'task-rare';
const RARE_EVENT = 'quota_exceeded';

/**
 * The counts for files of `maxSize` bytes: at 10 MiB (about 37,000 lines each) the task-rare events
 * are 2,000-22,000 every 500th, the rare event every 6,007th; other sizes scale them. A batch (logged,
 * then flushed) stays well under a file, so that the loop stops within the 6th file's last tenth and
 * never rotates the oldest backup (with the rare task) away.
 */
function plan(maxSize) {
  const s = maxSize / DEFAULT_MAX_SIZE;
  const at = (n, min = 1) => Math.max(min, Math.round(n * s));
  const rareEventEvery = at(6_007, 7);
  return {
    maxSize,
    rareTaskFrom: at(2_000, 0),
    rareTaskTo: at(22_000, 40),
    rareTaskEvery: at(500),
    rareEventEvery,
    rareEventAt: s === 1 ? 3_000 : Math.floor(rareEventEvery / 2),
    batch: Math.max(10, Math.min(1_000, Math.floor(maxSize / 300 / 10))),
  };
}

/** A small seeded PRNG (mulberry32): the same files every bench run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STEPS = ['fetch inputs', 'resolve dependencies', 'compile', 'run tests', 'upload artifacts'];

function eventFor(i, next, p) {
  const hot = next() < 0.5;
  const n = Math.floor(next() * (hot ? 10 : 990));
  let task_id = hot ? `task-hot-${n}` : `task-${n}`;
  if (i >= p.rareTaskFrom && i < p.rareTaskTo && i % p.rareTaskEvery === 0) task_id = RARE_TASK;
  const run_id = `run-${n}-${Math.floor(i / 20_000)}`;
  if (i % p.rareEventEvery === p.rareEventAt) {
    return {
      event: RARE_EVENT,
      level: 'WARNING',
      task_id,
      run_id,
      status: 'throttled',
      message: `Quota exceeded for tenant t-${n % 37}: 429 from upstream`,
      retry_in_ms: 1000 + (i % 5000),
    };
  }
  const r = next();
  if (r < 0.55) {
    const step = 1 + Math.floor(next() * 5);
    return {
      event: 'job_step',
      task_id,
      run_id,
      status: 'running',
      message: `Step ${step}/5: ${STEPS[step - 1]} done`,
      step,
      steps: 5,
      duration_ms: Math.floor(next() * 5_000),
    };
  }
  if (r < 0.7) return { event: 'job_started', task_id, run_id, status: 'running', steps: 5 };
  if (r < 0.85) {
    return {
      event: 'job_completed',
      task_id,
      run_id,
      status: 'success',
      duration_ms: Math.floor(next() * 60_000),
      result: { artifacts: Math.floor(next() * 12), cached: next() < 0.3 },
    };
  }
  if (r < 0.95) {
    return {
      event: 'task_started',
      task_id,
      run_id,
      status: 'running',
      message: 'Task started successfully',
      worker: `worker-${Math.floor(next() * 16)}`,
    };
  }
  return {
    event: 'job_failed',
    level: 'ERROR',
    task_id,
    run_id,
    status: 'failed',
    error: {
      name: 'UpstreamTimeoutError',
      message: `upstream timed out after ${Math.floor(next() * 30)} s`,
      code: 'ETIMEDOUT',
    },
    duration_ms: Math.floor(next() * 30_000),
  };
}

/** Lines, bytes and matches of the rare needles in each file (as the figure needs them). */
function describeFiles(logFile) {
  const needles = {
    rareTask: Buffer.from(`"task_id":"${RARE_TASK}"`),
    rareEvent: Buffer.from(`"event":"${RARE_EVENT}"`),
  };
  const files = [];
  for (let n = 0; n <= MAX_FILES; n++) {
    const file = n === 0 ? logFile : `${logFile}.${n}`;
    if (!fs.existsSync(file)) continue;
    const buf = fs.readFileSync(file);
    const count = (needle) => {
      let c = 0;
      for (let at = buf.indexOf(needle); at !== -1; at = buf.indexOf(needle, at + 1)) c++;
      return c;
    };
    let lines = 0;
    for (let at = buf.indexOf(10); at !== -1; at = buf.indexOf(10, at + 1)) lines++;
    files.push({
      name: path.basename(file),
      bytes: buf.length,
      lines,
      rareTask: count(needles.rareTask),
      rareEvent: count(needles.rareEvent),
    });
  }
  return files;
}

runMain(async () => {
  const dir = process.argv[2];
  const p = plan(process.argv[3] ? Number(process.argv[3]) : DEFAULT_MAX_SIZE);
  const logFile = path.join(dir, 'orch.log');
  const { EventLogger, OrchestratorEventsModule } = require(LIBRARY);
  class GenerateModule {}
  Module({
    imports: [
      OrchestratorEventsModule.forRoot({
        logFile,
        maxSize: p.maxSize,
        maxFiles: MAX_FILES,
        controller: false,
        env: {},
      }),
    ],
  })(GenerateModule);
  const app = await NestFactory.createApplicationContext(GenerateModule, {
    logger: ['error', 'warn'],
  });
  const logger = app.get(EventLogger);
  const next = random(6);
  const started = Date.now();
  let i = 0;
  for (;;) {
    for (const end = i + p.batch; i < end; i++) logger.log(eventFor(i, next, p));
    await logger.flush();
    if (
      fs.existsSync(`${logFile}.${MAX_FILES}`) &&
      fs.statSync(logFile).size >= CURRENT_FILL * p.maxSize
    )
      break;
    await yieldToLoop();
  }
  const seconds = (Date.now() - started) / 1000;
  await app.close();
  const files = describeFiles(logFile);
  report({
    logFile,
    maxSize: p.maxSize,
    plan: p,
    logged: i,
    seconds,
    files,
    bytes: files.reduce((s, f) => s + f.bytes, 0),
    lines: files.reduce((s, f) => s + f.lines, 0),
    rareTask: RARE_TASK,
    rareEvent: RARE_EVENT,
    commonTask: 'task-hot-3',
  });
});
