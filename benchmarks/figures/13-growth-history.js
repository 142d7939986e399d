'use strict';
/**
 * Figure 13, growth of history queries with the size of the retention: figure 6's demo app and query
 * client over retentions of about 60 MB, 600 MB and 3 GB (the current file and 5 backups of 10,
 * 100 and 512 MiB, written by the real EventLogger), queries (a) newest 100 of a busy task, (b) a
 * rare task only in the oldest backup, (c) an event name (a full scan); against rg (or grep) for (b).
 */
const path = require('node:path');
const { ROOT } = require('../lib/child-runner');
const { DEMO_MAIN, ensureDemoBuilt, sourcesNewerThanDemo } = require('../lib/demo-app');
const { table } = require('../lib/markdown');
const { generateRetention, removeRetention } = require('../lib/retention');
const { medianOf, perRun, failures, ok } = require('../lib/runs');
const { int, fixed, ratio } = require('../lib/stats');
const { lineChart, writeChart } = require('../lib/svg-chart');

const MIB = 1024 * 1024;
// No (d) burst and no Node loop: at 3 GB each would take minutes and they are figure 6's questions.
const FULL = {
  FILE_SIZES: [10 * MIB, 100 * MIB, 512 * MIB],
  PLAN: { a: 20, b: 5, c: 3, tools: 3, nodeLoop: 0, burst: 0, after: 5 },
};
// --quick: 0.75 MB, 6 MB and 30 MB in all; a few repeats.
const QUICK = {
  FILE_SIZES: [128 * 1024, MIB, 5 * MIB],
  PLAN: { a: 5, b: 2, c: 2, tools: 1, nodeLoop: 0, burst: 0, after: 2 },
};

/** Where figure 13's (e) puts its `after=` cursor in the newest backup (history-client.js). */
const CURSORS = ['start', 'middle', 'end'];
const mb = (bytes) => bytes / 1e6;
const sizeLabel = (bytes) => {
  if (bytes >= 1e9) return `${fixed(bytes / 1e9, 1)} GB`;
  return mb(bytes) >= 10 ? `${int(mb(bytes))} MB` : `${fixed(mb(bytes), 1)} MB`;
};

async function run(ctx) {
  const { FILE_SIZES, PLAN } = ctx.quick ? QUICK : FULL;
  const built = ensureDemoBuilt(ctx.progress);
  const stale = sourcesNewerThanDemo();
  const retentions = [];
  try {
    for (const maxSize of FILE_SIZES) {
      retentions.push({ maxSize, ...(await generateRetention(ctx, maxSize, 'Figure 13')) });
    }
    return await measure(ctx, retentions, PLAN, { built, stale });
  } finally {
    // Up to 3.7 GB of temp files: gone now, not at the harness's exit. (No profiling run reads
    // them: the profile spec below regenerates nothing, so it is left out.)
    for (const r of retentions) removeRetention(r.dir);
  }
}

async function measure(ctx, retentions, PLAN, { built, stale }) {
  const contenders = retentions.map((r) => ({
    name: `demo app, ${sizeLabel(r.gen.bytes)}`,
    bytes: r.gen.bytes,
    retention: r,
    spec: {
      script: 'history-server.js',
      args: [
        DEMO_MAIN,
        r.gen.logFile,
        JSON.stringify(r.facts),
        JSON.stringify({ maxSize: r.maxSize, plan: PLAN }),
      ],
      timeoutMs: 600_000,
    },
  }));
  ctx.progress(
    `Figure 13: the demo app over ${contenders.map((c) => sizeLabel(c.bytes)).join(' / ')}, x ${ctx.runs} runs`,
  );
  const runs = await ctx.runInterleaved(
    contenders,
    (r) =>
      `(a) ${fixed(r.a.medianMs, 1)} ms, (b) ${fixed(r.b.medianMs, 1)} ms ` +
      `(rg ${fixed(r.b.rg.medianMs, 0)}, grep ${fixed(r.b.grep.medianMs, 0)}), (c) ${fixed(r.c.medianMs, 0)} ms = ${fixed(r.c.gbPerS, 2)} GB/s, ` +
      `(e) after= start/middle/end ${CURSORS.map((w) => fixed(r.after[w].medianMs, 1)).join('/')} ms`,
  );
  const med = (c, pick) => medianOf(runs[c.name], pick);
  const good = ok(Object.values(runs).flat());
  const rgMissing = good.some((x) => x.b.rg.error);
  const tool = rgMissing ? 'grep' : 'rg';
  const toolMs = (x) => (rgMissing ? x.b.grep.medianMs : x.b.rg.medianMs);
  const at = (pick) => contenders.map((c) => ({ x: mb(c.bytes), y: med(c, pick) }));

  const title = 'History query latency by retention size';
  const svg = lineChart({
    title,
    xLabel: 'retention: current file + 5 backups, MB (log scale)',
    yLabel: 'latency over HTTP, ms (median; log scale)',
    yScale: 'log',
    xFormat: (x) => sizeLabel(x * 1e6),
    yFormat: (y) => (y >= 100 ? int(y) : String(Number(y.toFixed(y < 10 ? 1 : 0)))),
    series: [
      { name: '(a) newest 100 events of a busy task', points: at((x) => x.a.medianMs) },
      {
        name: '(b) all 40 events of a task only in the oldest backup',
        points: at((x) => x.b.medianMs),
      },
      { name: '(c) an event name: every file scanned', points: at((x) => x.c.medianMs) },
      ...CURSORS.map((where) => ({
        name: `(e) after=<id at the ${where} of a full file>&limit=1000`,
        points: at((x) => x.after[where].medianMs),
      })),
      {
        name: `${tool} -F '"task_id":"task-rare"' over the same files (b's peer, from spawn to exit)`,
        dashed: true,
        points: at(toolMs),
      },
    ],
    note:
      `Median of ${ctx.runs} run(s); lower is better.` +
      (ctx.quick ? ' QUICK MODE sizes, not a result.' : ''),
  });
  const chart = writeChart(ctx.chartsDir, 'growth-history', svg, title);

  const rows = contenders.map((c) => {
    const r = runs[c.name];
    const { gen, facts } = c.retention;
    return [
      `${sizeLabel(c.bytes)} (${int(gen.lines)} lines, files of ${int(c.retention.maxSize / MIB) || fixed(c.retention.maxSize / MIB, 2)} MiB)`,
      fixed(
        med(c, (x) => x.a.medianMs),
        2,
      ),
      perRun(r, (x) => fixed(x.a.medianMs, 2)).join(' / '),
      fixed(
        med(c, (x) => x.b.medianMs),
        1,
      ),
      perRun(r, (x) => fixed(x.b.medianMs, 1)).join(' / '),
      fixed(med(c, toolMs), 1),
      fixed(
        med(c, (x) => x.c.medianMs),
        1,
      ),
      fixed(
        med(c, (x) => x.c.gbPerS),
        2,
      ),
      perRun(
        r,
        (x) =>
          `${x.b.count}/${facts.rareTaskCount}, ${x.c.count}/${facts.rareEventCount}` +
          (x.b.count === facts.rareTaskCount && x.c.count === facts.rareEventCount ? '' : ' ⚠'),
      ).join(' / '),
      CURSORS.map((where) =>
        fixed(
          med(c, (x) => x.after[where].medianMs),
          1,
        ),
      ).join(' / '),
      fixed(
        med(c, (x) => x.b.firstMs),
        0,
      ),
      fixed(gen.seconds, 1),
    ];
  });

  const [small, , large] = contenders;
  const headline = [
    {
      figure: '13. Growth: history',
      measure: `(a) newest 100 of a busy task, ${sizeLabel(large.bytes)} ÷ ${sizeLabel(small.bytes)} of retention`,
      ours: `${fixed(
        med(small, (x) => x.a.medianMs),
        1,
      )} → ${fixed(
        med(large, (x) => x.a.medianMs),
        1,
      )} ms`,
      peer: '-',
      peerFigure: '-',
      ratio: ratio(med(large, (x) => x.a.medianMs) / med(small, (x) => x.a.medianMs)),
      goal: '- (the curve)',
      met: undefined,
    },
    {
      figure: '13. Growth: history',
      measure: `(b) rare task in the oldest backup at ${sizeLabel(large.bytes)}; (c) full scan GB/s there`,
      ours: `${fixed(
        med(large, (x) => x.b.medianMs),
        0,
      )} ms; ${fixed(
        med(large, (x) => x.c.gbPerS),
        2,
      )} GB/s`,
      peer: `${tool} -F`,
      peerFigure: `${fixed(med(large, toolMs), 0)} ms`,
      ratio: ratio(med(large, (x) => x.b.medianMs) / med(large, toolMs)),
      goal: '- (the curve)',
      met: undefined,
    },
  ];

  const notes = contenders.flatMap((c) => failures(c.name, runs[c.name]));
  const section = [
    `Figure 6's setup at three sizes. Each retention is written once per bench run by the real \`EventLogger\` ` +
      "(children/history-generate.js: figure 6's mix of events, its counts scaled with the file size so that every retention " +
      'holds 40 events of `task-rare`, all in the oldest backup, and about 35 `quota_exceeded` spread over all files), then the ' +
      `built demo app (\`${path.relative(ROOT, DEMO_MAIN)}\`${built ? ', built by this run' : ''}) is started on it in figure 6's child ` +
      '(`children/history-server.js`, with `ORCH_LOG_MAX_SIZE` set to the file size so that its own events rotate nothing away) and ' +
      `figure 6's client times, per run, (a) \`task_id=task-hot-3&limit=100\` ${PLAN.a} times, (b) \`task_id=task-rare&limit=1000\` ` +
      `${PLAN.b} times and \`${tool} -F\` over the same 6 files ${PLAN.tools} times, (c) \`event=quota_exceeded&limit=1000\` ${PLAN.c} ` +
      'times, after untimed warm-up requests; no (d) burst and no Node loop (figure 6 has them); (e) `after=<id>&limit=1000` ' +
      `${PLAN.after} times each with the cursor at the first line, the middle and 2,000 lines before the end of the newest ` +
      "backup (a full file): finding the cursor must not cost the lines before it. Sizes are the files' bytes " +
      '(10^6 per MB). The retentions are removed when the figure ends.' +
      (stale.length
        ? ` **The build is older than ${stale.length} source file(s)**: run \`npx nx build orchestrator\` first.`
        : ''),
    '',
    chart,
    '',
    table(
      [
        'retention',
        '(a) ms',
        '(a) per run',
        '(b) ms',
        '(b) per run',
        `${tool} (b) ms`,
        '(c) ms',
        '(c) GB/s',
        'found (b), (c) per run',
        '(e) after= start / middle / end, ms',
        'first (b) after start, ms',
        'generated in s',
      ],
      rows,
    ),
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');

  return {
    headline,
    section,
    raw: {
      plan: PLAN,
      retentions: retentions.map((r) => ({ maxSize: r.maxSize, generated: r.gen, facts: r.facts })),
      staleSources: stale,
      runs,
    },
  };
}

module.exports = {
  id: 'fig13',
  title: 'Figure 13: Growth of history queries with retention',
  runs: 3,
  needsDemoApp: true,
  run,
};
