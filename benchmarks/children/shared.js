'use strict';
/** What every benchmark child needs: the seed's events, a fresh directory, and a way to report. */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/**
 * The library as nx builds it: its compiled entry point, required by path, from the snapshot of the
 * build that run.js made for this run (BENCH_DIST, lib/library-build.js), else from dist/ (a child
 * started by hand after `npx nx run orchestrator-events:build`). Its own alias imports resolve
 * through children/preload.js.
 */
const DIST = process.env.BENCH_DIST || path.resolve(__dirname, '..', '..', 'dist');
const LIBRARY = path.join(DIST, 'libs', 'orchestrator-events', 'src');

// The seed's examples: an event name, its status and a caller's message.
const KINDS = [
  { event: 'job_started', status: 'running', message: 'Job started' },
  { event: 'job_completed', status: 'success', message: 'Job completed successfully' },
  { event: 'task_started', status: 'running', message: 'Task started successfully' },
  { event: 'task_completed', status: 'success', message: 'Task completed successfully' },
  { event: 'job_failed', status: 'failed', message: 'Job failed: upstream timed out' },
];

/** A small seeded PRNG (mulberry32): every child and every run logs exactly the same events. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` events of the seed's shape: task_id from 1,000 values, run_id from 100. Built before the
 * clock starts so that no contender pays for making its input.
 */
function makeEvents(count, seed = 42) {
  const next = random(seed);
  const events = new Array(count);
  for (let i = 0; i < count; i++) {
    const kind = KINDS[Math.floor(next() * KINDS.length)];
    events[i] = {
      event: kind.event,
      task_id: `task-${Math.floor(next() * 1000)}`,
      run_id: `run-${Math.floor(next() * 100)}`,
      status: kind.status,
      message: kind.message,
      duration_ms: Math.floor(next() * 10_000),
    };
  }
  return events;
}

/** A fresh, empty directory under the OS temp dir. */
function freshDir(prefix = 'orch-bench-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Lines and bytes of every log file in `dir` (rotated backups included, winston's audit JSON not). */
function filesOnDisk(dir) {
  let lines = 0;
  let bytes = 0;
  const names = fs.readdirSync(dir).filter((n) => !n.endsWith('.json'));
  for (const name of names) {
    const buf = fs.readFileSync(path.join(dir, name));
    bytes += buf.length;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) lines++;
  }
  return { files: names.length, lines, bytes };
}

/** Sends the child's result to the parent (benchmarks/lib/child-runner.js reads this line). */
function report(result) {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

/** Runs `main` and makes any failure visible to the parent as a non-zero exit. */
function runMain(main) {
  main().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
      process.exit(1);
    },
  );
}

/** A full collection, with --expose-gc or without (the flag can be turned on at run time). */
function gcFunction() {
  if (typeof global.gc === 'function') return global.gc;
  require('node:v8').setFlagsFromString('--expose-gc');
  return require('node:vm').runInNewContext('gc');
}

/** Lets the event loop turn once, as a real app does between requests or jobs. */
const yieldToLoop = () => new Promise(setImmediate);

/**
 * Starts the built demo app (`main`) in this process with `env` (every ORCH_, HTTP_, Redis and log
 * setting of the parent removed first, so only `env` counts) and resolves with the port it printed
 * (`listening on http://127.0.0.1:<port>/`).
 */
function startDemoApp(main, env) {
  for (const key of Object.keys(process.env)) {
    if (/^(ORCH_|HTTP_|REDIS_URL$|LOG_LEVEL$|LOG_FILE$|HOST$|PORT$)/.test(key)) {
      delete process.env[key];
    }
  }
  Object.assign(process.env, { HOST: '127.0.0.1', PORT: '0', NO_COLOR: '1', ...env });
  return new Promise((resolve, reject) => {
    const write = process.stdout.write.bind(process.stdout);
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the app did not start:\n${out}`)), 30_000);
    process.stdout.write = (chunk, ...rest) => {
      out += chunk;
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (match) {
        clearTimeout(timer);
        process.stdout.write = write;
        resolve(Number(match[1]));
      }
      return write(chunk, ...rest);
    };
    require(main);
  });
}

module.exports = {
  random,
  startDemoApp,
  LIBRARY,
  makeEvents,
  freshDir,
  filesOnDisk,
  report,
  runMain,
  yieldToLoop,
  gcFunction,
};
