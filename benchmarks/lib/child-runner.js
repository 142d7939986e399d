'use strict';
/**
 * Runs one contender in its own Node process and returns what it reported. Every contender gets a
 * fresh process so that one's heap, JIT state and open files cannot slow down or speed up another.
 * All children start the same way, with children/preload.js (the workspace aliases mapped to dist/).
 */
const { spawn } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const RESULT_MARK = 'BENCH_RESULT ';

// Children load the library built into dist/ (run.js builds it first); the preload resolves the
// aliases the library uses inside itself (e.g. '@orchestrator/events-contract') to dist/ as well.
const PRELOAD = ['-r', path.join(__dirname, '..', 'children', 'preload.js')];

/**
 * @param {{script: string, args?: string[], execArgv?: string[], timeoutMs?: number}} spec
 *   `script` is relative to benchmarks/children.
 * @returns {Promise<object>} the JSON the child printed after `BENCH_RESULT `.
 */
function runChild({ script, args = [], execArgv = [], timeoutMs = 180_000 }) {
  const file = path.join(__dirname, '..', 'children', script);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...execArgv, ...PRELOAD, file, ...args], {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARK));
      if (code === 0 && line) {
        resolve(JSON.parse(line.slice(RESULT_MARK.length)));
        return;
      }
      const why = signal ? `killed by ${signal}` : `exit code ${code}`;
      const tail = (stderr || stdout).trim().split('\n').slice(-15).join('\n');
      reject(new Error(`${script} ${args.join(' ')}: ${why}${line ? '' : ', no result'}\n${tail}`));
    });
  });
}

/**
 * Runs every contender `runs` times, interleaved (A,B,C,A,B,C,...), so that a slow phase of the
 * machine (another process, thermal state, page cache) spreads over all contenders instead of
 * landing on one. A failed run is kept as `{ error }` and the others go on.
 *
 * @param {{name: string, spec: object}[]} contenders
 * @param {number} runs
 * @param {(msg: string) => void} progress
 * @param {(result: object) => string} describe one-line summary of a result for the progress log
 * @returns {Promise<Record<string, ({result: object}|{error: string})[]>>}
 */
async function runInterleaved(contenders, runs, progress, describe) {
  const out = Object.fromEntries(contenders.map((c) => [c.name, []]));
  for (let run = 1; run <= runs; run++) {
    for (const contender of contenders) {
      const started = Date.now();
      try {
        const result = await runChild(contender.spec);
        out[contender.name].push({ result });
        const secs = ((Date.now() - started) / 1000).toFixed(1);
        progress(`  run ${run}/${runs} ${contender.name}: ${describe(result)} (child ${secs} s)`);
      } catch (err) {
        out[contender.name].push({ error: err.message });
        progress(`  run ${run}/${runs} ${contender.name}: FAILED ${err.message}`);
      }
    }
  }
  return out;
}

module.exports = { ROOT, RESULT_MARK, runChild, runInterleaved };
