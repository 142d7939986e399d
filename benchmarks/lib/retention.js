'use strict';
/**
 * A retention for the history figures (6 and 13): the current log file and 5 rotated backups of
 * `maxSize` bytes, written by the real EventLogger (children/history-generate.js) in a temp dir that
 * is removed when the harness exits (a profiling run after the figure reads it too), and the facts
 * the query client checks its answers against.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { int, fixed } = require('./stats');

/**
 * @returns {Promise<{dir: string, gen: object, facts: object}>} `gen` is what the generator
 *   reported (files, bytes, lines, seconds, logFile), `facts` what history-client.js needs.
 */
async function generateRetention(ctx, maxSize, label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orch-bench-history-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  ctx.progress(`${label}: generating a retention of 6 files of ${int(maxSize)} bytes in ${dir}`);
  const gen = await ctx.runChild({
    script: 'history-generate.js',
    args: [dir, String(maxSize)],
    // 3 GB take about a minute here; more when the machine is shared.
    timeoutMs: 600_000,
  });
  const total = (key) => gen.files.reduce((s, f) => s + f[key], 0);
  const oldest = gen.files[gen.files.length - 1];
  if (gen.files.length !== 6 || oldest.rareTask !== total('rareTask') || oldest.rareTask === 0) {
    throw new Error(`the generated retention is not as intended: ${JSON.stringify(gen.files)}`);
  }
  ctx.progress(
    `  ${int(gen.lines)} lines, ${fixed(gen.bytes / 2 ** 20, 1)} MiB in ${gen.files.length} files (${fixed(gen.seconds, 1)} s)`,
  );
  const facts = {
    files: gen.files.map((f) => ({ name: f.name })),
    commonTask: gen.commonTask,
    rareTask: gen.rareTask,
    rareTaskCount: total('rareTask'),
    rareEvent: gen.rareEvent,
    rareEventCount: total('rareEvent'),
  };
  return { dir, gen, facts };
}

/** Removes a retention now (a big one should not wait for the harness to exit). */
function removeRetention(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
}

module.exports = { generateRetention, removeRetention };
