'use strict';
/**
 * Figure 8, CLI start: how long `orch-events --help` and `--version` take from spawn to exit, as a
 * user gets the CLI from the packed npm tarball of @orchestrator/events-client (installed in a temp
 * directory outside the workspace); against `node -e 0`, Node's own start, in the same run.
 *
 * No child of children/ here: the figure spawns the commands itself, many times per run, and times
 * each spawn wall-clock; the runs are interleaved across contenders as runInterleaved() does.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const { ROOT } = require('../lib/child-runner');
const { table, verdict } = require('../lib/markdown');
const { medianOf, perRun, runHeaders, failures } = require('../lib/runs');
const { median, fixed, ratio } = require('../lib/stats');

const FULL_SPAWNS = 20;
// --quick: packing and installing stay (they are what the figure checks works); few spawns.
const QUICK_SPAWNS = 3;
const GOAL_RATIO = 3;
const GOAL_MS = 1_000;
// The goal is "well under a second": called met only below half of it.
const MET_BELOW_MS = 500;
const SPAWN_TIMEOUT_MS = 10_000;

/** Packs the working tree (`npm run pack`) so the figure measures the code as it is now. */
function pack(progress) {
  progress('Figure 8: npm run pack');
  execFileSync('npm', ['run', 'pack'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const { version } = JSON.parse(
    fs.readFileSync(path.join(ROOT, 'libs', 'orchestrator-events-client', 'package.json'), 'utf8'),
  );
  const dir = path.join(ROOT, 'dist', 'packages');
  return {
    contract: path.join(dir, `orchestrator-events-contract-${version}.tgz`),
    client: path.join(dir, `orchestrator-events-client-${version}.tgz`),
  };
}

/** A consumer project in `dir` with the contract and client tarballs installed, as a user does. */
function install(dir, tarballs) {
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: 'cli-bench', private: true }, null, 2)}\n`,
  );
  // `npm run bench` exports npm_config_local_prefix (the workspace); the install is the temp dir's.
  const env = { ...process.env };
  delete env.npm_config_local_prefix;
  const t0 = process.hrtime.bigint();
  try {
    execFileSync(
      'npm',
      ['install', '--no-audit', '--no-fund', tarballs.contract, tarballs.client],
      { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (err) {
    const tail = `${err.stderr ?? ''}${err.stdout ?? ''}`.trim().split('\n').slice(-10).join('\n');
    throw new Error(`npm install of the tarballs in ${dir} failed: ${err.message}\n${tail}`);
  }
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Wall-clock ms from spawn() to the child's exit; rejects unless it exits with 0. */
function timeSpawn({ command, args, env }) {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const t0 = process.hrtime.bigint();
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), SPAWN_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      clearTimeout(timer);
      if (code === 0) resolve(ms);
      else {
        const why = signal ? `killed by ${signal}` : `exit code ${code}`;
        reject(new Error(`${command} ${args.join(' ')}: ${why}\n${stderr.trim().slice(-500)}`));
      }
    });
  });
}

/** One run of a contender: `spawns` spawns one after the other; their median is the run's. */
async function oneRun(contender, spawns) {
  const samplesMs = [];
  for (let i = 0; i < spawns; i++) samplesMs.push(await timeSpawn(contender));
  return {
    medianMs: median(samplesMs),
    minMs: Math.min(...samplesMs),
    maxMs: Math.max(...samplesMs),
    samplesMs,
  };
}

/** As runInterleaved(): run 1 of every contender, then run 2 of every contender, and so on. */
async function interleave(contenders, runs, spawns, progress) {
  const out = Object.fromEntries(contenders.map((c) => [c.name, []]));
  for (let run = 1; run <= runs; run++) {
    for (const contender of contenders) {
      try {
        const result = await oneRun(contender, spawns);
        out[contender.name].push({ result });
        progress(
          `  run ${run}/${runs} ${contender.name}: median ${fixed(result.medianMs, 1)} ms ` +
            `(min ${fixed(result.minMs, 1)}, max ${fixed(result.maxMs, 1)}) over ${spawns} spawns`,
        );
      } catch (err) {
        out[contender.name].push({ error: err.message });
        progress(`  run ${run}/${runs} ${contender.name}: FAILED ${err.message}`);
      }
    }
  }
  return out;
}

function contendersIn(dir) {
  const bin = path.join(
    dir,
    'node_modules',
    '@orchestrator',
    'events-client',
    'src',
    'cli',
    'bin.js',
  );
  const shim = path.join(dir, 'node_modules', '.bin', 'orch-events');
  const node = process.execPath;
  // The shebang (`#!/usr/bin/env node`) finds node on PATH: put this Node first, so that every
  // contender runs the same Node.
  const env = {
    ...process.env,
    PATH: [path.dirname(node), process.env.PATH].filter(Boolean).join(path.delimiter),
  };
  return [
    { name: 'node -e 0', shown: '`node -e 0`', command: node, args: ['-e', '0'], env, peer: true },
    {
      name: 'node bin.js --help',
      shown: '`node node_modules/@orchestrator/events-client/src/cli/bin.js --help`',
      command: node,
      args: [bin, '--help'],
      env,
      goal: 'ratio',
    },
    {
      name: 'node bin.js --version',
      shown: '`node node_modules/@orchestrator/events-client/src/cli/bin.js --version`',
      command: node,
      args: [bin, '--version'],
      env,
    },
    {
      name: 'orch-events --help (shebang)',
      shown: '`node_modules/.bin/orch-events --help`, executed directly',
      command: shim,
      args: ['--help'],
      env,
      goal: 'absolute',
    },
  ];
}

async function measure(ctx, dir, SPAWNS_PER_RUN) {
  const contenders = contendersIn(dir);
  // One untimed spawn of each first: the files are then in the page cache for every run alike.
  for (const c of contenders) await timeSpawn(c);
  ctx.progress(
    `Figure 8: ${contenders.length} contenders x ${ctx.runs} runs x ${SPAWNS_PER_RUN} spawns`,
  );
  const runs = await interleave(contenders, ctx.runs, SPAWNS_PER_RUN, ctx.progress);
  // Not through ctx.runInterleaved(): count its failed runs the same way.
  ctx.countFailures?.(runs);
  return { contenders, runs };
}

async function run(ctx) {
  const SPAWNS_PER_RUN = ctx.quick ? QUICK_SPAWNS : FULL_SPAWNS;
  const tarballs = pack(ctx.progress);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orch-bench-cli-'));
  let installMs;
  let contenders;
  let runs;
  try {
    ctx.progress(
      `Figure 8: npm install ${path.basename(tarballs.contract)} ${path.basename(tarballs.client)} in ${dir}`,
    );
    installMs = install(dir, tarballs);
    ({ contenders, runs } = await measure(ctx, dir, SPAWNS_PER_RUN));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const ms = (name) => medianOf(runs[name], (r) => r.medianMs);
  const peer = contenders.find((c) => c.peer);
  const peerMs = ms(peer.name);
  const ratioOf = contenders.find((c) => c.goal === 'ratio');
  const absolute = contenders.find((c) => c.goal === 'absolute');
  const helpRatio = ms(ratioOf.name) / peerMs;
  const shebangMs = ms(absolute.name);
  const met = {
    ratio: Number.isFinite(helpRatio) && helpRatio <= GOAL_RATIO,
    absolute: Number.isFinite(shebangMs) && shebangMs < MET_BELOW_MS,
  };

  const rows = contenders.map((c) => {
    const r = runs[c.name];
    return [
      c.shown,
      fixed(ms(c.name), 1),
      ...perRun(r, (x) => fixed(x.medianMs, 1)),
      fixed(
        medianOf(r, (x) => x.minMs),
        1,
      ),
      c.peer ? '1.00× (peer)' : ratio(ms(c.name) / peerMs),
      c.goal === 'ratio'
        ? `≤ ${GOAL_RATIO}× \`node -e 0\``
        : c.goal === 'absolute'
          ? `< ${GOAL_MS} ms (met below ${MET_BELOW_MS} ms)`
          : '-',
      verdict(c.goal ? met[c.goal] : undefined),
    ];
  });

  const notes = contenders.flatMap((c) => failures(c.name, runs[c.name]));

  const section = [
    `The CLI as a user gets it: \`${path.basename(tarballs.contract)}\` and \`${path.basename(tarballs.client)}\` ` +
      'packed by this run (`npm run pack`), installed with ' +
      `\`npm install --no-audit --no-fund\` into a fresh project in a temp directory outside the workspace ` +
      `(${fixed(installMs / 1000, 1)} s, removed afterwards). ` +
      `Each run of a contender spawns its command ${SPAWNS_PER_RUN} times one after the other (stdout to ` +
      '/dev/null) and times each spawn wall-clock with `process.hrtime.bigint()` from `spawn()` to the exit event; ' +
      "the run's figure is the median of those spawns, and a contender's figure the median of its " +
      `${ctx.runs} runs (medians of medians), runs interleaved across contenders after one untimed spawn of each. ` +
      '`node -e 0` is the floor, Node starting and doing nothing; the shebang contender is what typing ' +
      '`orch-events --help` in a shell costs (`/usr/bin/env` finds node on PATH; this Node is put first there). ' +
      `The ratio goal is on \`node bin.js --help\`, the same Node start as the peer; the absolute goal, "well ` +
      `under a second" (< ${GOAL_MS} ms), is called met only below ${MET_BELOW_MS} ms, on the shebang contender.`,
    '',
    table(
      [
        'contender',
        'median ms',
        ...runHeaders(ctx.runs).map((h) => `${h} ms`),
        'min ms',
        'ratio to `node -e 0`',
        'goal',
        'result',
      ],
      rows,
    ),
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');

  const headline = [
    {
      figure: '8. CLI start',
      measure: 'orch-events --help start, median',
      ours: `${fixed(ms(ratioOf.name), 1)} ms`,
      peer: '`node -e 0`',
      peerFigure: `${fixed(peerMs, 1)} ms`,
      ratio: ratio(helpRatio),
      goal: `≤ ${GOAL_RATIO}×`,
      met: met.ratio,
    },
    {
      figure: '8. CLI start',
      measure: 'well under a second: `orch-events --help` via its shebang, median',
      ours: `${fixed(shebangMs, 1)} ms`,
      peer: '`node -e 0`',
      peerFigure: `${fixed(peerMs, 1)} ms`,
      ratio: ratio(shebangMs / peerMs),
      goal: `< ${GOAL_MS} ms (met below ${MET_BELOW_MS} ms)`,
      met: met.absolute,
    },
  ];

  return {
    headline,
    section,
    raw: {
      spawnsPerRun: SPAWNS_PER_RUN,
      tarballs: Object.fromEntries(
        Object.entries(tarballs).map(([k, v]) => [k, path.relative(ROOT, v)]),
      ),
      installMs,
      runs,
    },
  };
}

module.exports = { id: 'fig8', title: 'Figure 8: CLI start', run };
