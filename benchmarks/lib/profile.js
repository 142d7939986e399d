'use strict';
/**
 * When the library misses a goal, one more run of its child under `node --cpu-prof` says where the
 * time went: self time per function, restricted to the timed window the child reports (startup,
 * loading the library and Nest bootstrapping would otherwise drown the measured part).
 */
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, runChild } = require('./child-runner');
const { table } = require('./markdown');
const { fixed } = require('./stats');

const SAMPLE_INTERVAL_US = 100;
const TOP = 15;

/**
 * Runs `spec` with the profiler on and summarizes it.
 * @returns {Promise<{file: string, windowed: boolean, totalMs: number, top: object[], areas: object[]}>}
 */
async function profileChild(spec, outDir, label) {
  const dir = path.join(outDir, `${label}-${Date.now()}`);
  fs.mkdirSync(dir, { recursive: true });
  const result = await runChild({
    ...spec,
    execArgv: [`--cpu-prof`, `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${SAMPLE_INTERVAL_US}`],
  });
  const name = fs.readdirSync(dir).find((n) => n.endsWith('.cpuprofile'));
  if (!name) throw new Error(`no .cpuprofile written in ${dir}`);
  const file = path.join(dir, name);
  const summary = summarize(JSON.parse(fs.readFileSync(file, 'utf8')), result.window);
  return { file: path.relative(ROOT, file), ...summary };
}

/** Self time per function (and per area) from a V8 CPU profile, inside `window` when given. */
function summarize(profile, window) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parents.set(child, n);
  const selfUs = new Map();
  let at = profile.startTime;
  const stamps = profile.timeDeltas.map((d) => (at += d));
  let windowed = Boolean(window);
  const inWindow = (t) => !windowed || (t >= window.startUs && t <= window.endUs);
  if (windowed && !stamps.some(inWindow)) windowed = false; // clocks disagree: keep the whole run
  for (let i = 0; i < profile.samples.length - 1; i++) {
    if (!inWindow(stamps[i])) continue;
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (stamps[i + 1] - stamps[i]));
  }
  const byFunction = new Map();
  const byArea = new Map();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const frame = nodes.get(id).callFrame;
    const where = location(frame);
    const key = `${functionName(frame, parents.get(id))}\u0000${where}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const area = areaOf(frame);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    totalUs += us;
  }
  const rank = (map) => [...map].sort((a, b) => b[1] - a[1]);
  return {
    windowed,
    totalMs: totalUs / 1000,
    top: rank(byFunction)
      .slice(0, TOP)
      .map(([key, us]) => {
        const [fn, where] = key.split('\u0000');
        return { function: fn, location: where, selfMs: us / 1000, percent: (100 * us) / totalUs };
      }),
    areas: rank(byArea).map(([area, us]) => ({
      area,
      selfMs: us / 1000,
      percent: (100 * us) / totalUs,
    })),
  };
}

/** Unnamed native code (e.g. inside Buffer.byteLength) is named after its caller, to be readable. */
function functionName(frame, parent) {
  if (frame.functionName) return frame.functionName;
  if (!frame.url && parent) {
    const caller = parent.callFrame;
    return `(native, in ${caller.functionName || '(anonymous)'} ${location(caller)})`.replace(
      ' )',
      ')',
    );
  }
  return '(anonymous)';
}

function location(frame) {
  if (!frame.url) return '';
  return `${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

function shortUrl(url) {
  const file = url.startsWith('file://') ? url.slice('file://'.length) : url;
  return file.startsWith(ROOT + path.sep) ? path.relative(ROOT, file) : file;
}

/** Coarse owner of a frame: the library, a dependency, Node itself, or V8's pseudo-frames. */
function areaOf(frame) {
  const url = shortUrl(frame.url || '');
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : 'V8/native';
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return `dependency ${dep[1]}`;
  // The sources, or their build the children load (dist/, or the run's snapshot of it).
  const lib = /(?:^|\/)libs\/([^/]+)\//.exec(url);
  if (lib) return `library libs/${lib[1]}`;
  if (url.startsWith('node:')) return 'Node.js internals';
  if (url.startsWith('benchmarks/')) return 'benchmark driver';
  return url;
}

/** The profile as markdown: by area, then the top functions by self time. */
function profileMarkdown(summary, subject, reason) {
  const scope = summary.windowed ? 'timed window only' : 'whole process (window not found)';
  return [
    `#### CPU profile of ${subject} (${reason})`,
    '',
    `\`node --cpu-prof --cpu-prof-interval=${SAMPLE_INTERVAL_US}\`, one extra run, ${scope}: ` +
      `${fixed(summary.totalMs, 0)} ms of samples. Profile: \`${summary.file}\` (git-ignored; open it in Chrome DevTools).`,
    '',
    table(
      ['area', 'self ms', 'self %'],
      summary.areas.map((a) => [a.area, fixed(a.selfMs, 1), fixed(a.percent, 1)]),
    ),
    '',
    table(
      ['#', 'function', 'location', 'self ms', 'self %'],
      summary.top.map((t, i) => [
        i + 1,
        t.function,
        t.location,
        fixed(t.selfMs, 1),
        fixed(t.percent, 1),
      ]),
    ),
  ].join('\n');
}

module.exports = { profileChild, profileMarkdown, summarize };
