'use strict';
/**
 * Figure 6, history queries over a full retention: the demo app answering GET
 * /api/v1/orchestrator/events over the current file and 5 rotated backups of 10 MiB (about 210,000
 * lines) written by the real EventLogger; against ripgrep, grep and a Node loop over the same files.
 */
const path = require('node:path');
const { ROOT } = require('../lib/child-runner');
const { DEMO_MAIN, ensureDemoBuilt, sourcesNewerThanDemo } = require('../lib/demo-app');
const { generateRetention } = require('../lib/retention');
const { table, verdict } = require('../lib/markdown');
const { medianOf, perRun, runHeaders, failures, ok } = require('../lib/runs');
const { int, fixed, ratio } = require('../lib/stats');

const MAIN = DEMO_MAIN;
const GOAL_A_MS = 10;
const GOAL_C_GBPS = 1;
const GOAL_D_STALL_MS = 50;
// The client's plan (children/history-client.js PLAN) and the retention's file size. --quick: files
// of 1 MiB (6 MiB in all), fewer repeats, 10 queries at once for (d).
const FULL = {
  maxSize: 10 * 1024 * 1024,
  plan: { a: 20, b: 5, c: 3, tools: 5, nodeLoop: 1, burst: 100 },
};
const QUICK = {
  maxSize: 1024 * 1024,
  plan: { a: 5, b: 2, c: 2, tools: 1, nodeLoop: 1, burst: 10 },
};

async function run(ctx) {
  const { maxSize, plan } = ctx.quick ? QUICK : FULL;
  const fileMiB = fixed(maxSize / 2 ** 20, 0);
  const built = ensureDemoBuilt(ctx.progress);
  const stale = sourcesNewerThanDemo();
  const { gen, facts } = await generateRetention(ctx, maxSize, 'Figure 6');
  const spec = {
    script: 'history-server.js',
    args: [MAIN, gen.logFile, JSON.stringify(facts), JSON.stringify({ maxSize, plan })],
    timeoutMs: 120_000,
  };
  const name = 'demo app';
  ctx.progress(`  ${ctx.runs} runs of the demo app with its queries`);
  const runs = await ctx.runInterleaved(
    [{ name, spec }],
    (r) =>
      `(a) ${fixed(r.a.medianMs, 1)} ms, (b) ${fixed(r.b.medianMs, 1)} ms vs rg ${fixed(r.b.rg.medianMs, 1)} ms, ` +
      `(c) ${fixed(r.c.gbPerS, 2)} GB/s, (d) ${fixed(r.d.burstMs / 1000, 1)} s, loop max ${fixed(r.loop.burst?.maxMs, 0)} ms`,
  );
  const r = runs[name];
  const med = (pick) => medianOf(r, pick);
  const good = ok(r);
  const rgMissing = good.some((x) => x.b.rg.error);
  const peerB = rgMissing ? 'grep' : 'rg';

  const a = med((x) => x.a.medianMs);
  const b = med((x) => x.b.medianMs);
  const rg = med((x) => x.b.rg.medianMs);
  const grep = med((x) => x.b.grep.medianMs);
  const nodeMs = med((x) => x.b.node.medianMs);
  const peerBMs = rgMissing ? grep : rg;
  const c = med((x) => x.c.gbPerS);
  const cMs = med((x) => x.c.medianMs);
  const bytes = med((x) => x.bytes);
  const nodeGbps = bytes / 1e9 / (nodeMs / 1000);
  const stall = med((x) => x.loop.burst.maxMs);
  const sseOk =
    good.length > 0 &&
    good.every(
      (x) =>
        x.d.sse.receivedDuringBurst > 0 && x.d.sse.missingSteps === 0 && !x.d.jobEndedDuringBurst,
    );
  const countsOk = good.every(
    (x) => x.b.count === facts.rareTaskCount && x.c.count === facts.rareEventCount,
  );

  const met = {
    a: Number.isFinite(a) && a <= GOAL_A_MS,
    b: Number.isFinite(b) && Number.isFinite(peerBMs) && b < peerBMs,
    c: Number.isFinite(c) && c >= GOAL_C_GBPS,
    d: Number.isFinite(stall) && stall <= GOAL_D_STALL_MS && sseOk,
  };
  const figure = '6. History queries';
  const mib = fixed(bytes / 2 ** 20, 1);
  const headline = [
    {
      figure,
      measure: `(a) newest 100 events of a common task, over HTTP`,
      ours: `${fixed(a, 1)} ms`,
      peer: '-',
      peerFigure: '-',
      ratio: '-',
      goal: `≤ ${GOAL_A_MS} ms`,
      met: met.a,
    },
    {
      figure,
      measure: `(b) all ${facts.rareTaskCount} events of a task only in the oldest backup (${mib} MiB searched)`,
      ours: `${fixed(b, 1)} ms`,
      peer: rgMissing ? 'grep -F (rg missing)' : 'rg -F \'"task_id":"…"\'',
      peerFigure: `${fixed(peerBMs, 1)} ms`,
      ratio: ratio(b / peerBMs),
      goal: `< ${peerB}`,
      met: met.b,
    },
    {
      figure,
      measure: `(c) event name only (\`event=${facts.rareEvent}\`), bytes of all files ÷ time`,
      ours: `${fixed(c, 2)} GB/s`,
      peer: 'Node loop, JSON.parse per line',
      peerFigure: `${fixed(nodeGbps, 2)} GB/s`,
      ratio: ratio(c / nodeGbps),
      goal: `≥ ${GOAL_C_GBPS} GB/s`,
      met: met.c,
    },
    {
      figure,
      measure: `(d) ${plan.burst} queries (c) at once: longest event-loop stall in the app; SSE meanwhile`,
      ours: `${fixed(stall, 0)} ms; SSE ${sseOk ? 'kept delivering' : '⚠ gaps'}`,
      peer: '-',
      peerFigure: '-',
      ratio: '-',
      goal: `stall ≤ ${GOAL_D_STALL_MS} ms, SSE keeps delivering`,
      met: met.d,
    },
  ];

  const fileRows = gen.files.map((f) => [
    f.name,
    int(f.bytes),
    int(f.lines),
    int(f.rareTask),
    int(f.rareEvent),
  ]);
  const queryRows = [
    [
      `(a) \`task_id=${facts.commonTask}&limit=100\` (median of ${plan.a} requests per run)`,
      `${fixed(a, 2)} ms`,
      ...perRun(r, (x) => `${fixed(x.a.medianMs, 2)} (p95 ${fixed(x.a.p95Ms, 1)})`),
      `≤ ${GOAL_A_MS} ms`,
      verdict(met.a),
    ],
    [
      `(b) \`task_id=${facts.rareTask}&limit=1000\` → ${facts.rareTaskCount} events (median of ${plan.b})`,
      `${fixed(b, 1)} ms`,
      ...perRun(r, (x) => fixed(x.b.medianMs, 1)),
      `< ${peerB}`,
      verdict(met.b),
    ],
    [
      `(c) \`event=${facts.rareEvent}&limit=1000\` → ${facts.rareEventCount} events (median of ${plan.c})`,
      `${fixed(c, 2)} GB/s (${fixed(cMs, 1)} ms)`,
      ...perRun(r, (x) => `${fixed(x.c.gbPerS, 2)} (${fixed(x.c.medianMs, 0)} ms)`),
      `≥ ${GOAL_C_GBPS} GB/s`,
      verdict(met.c),
    ],
    [
      `(d) ${plan.burst} × (c) at once: max event-loop delay in the app`,
      `${fixed(stall, 1)} ms`,
      ...perRun(r, (x) => fixed(x.loop.burst.maxMs, 1)),
      `≤ ${GOAL_D_STALL_MS} ms`,
      verdict(met.d),
    ],
  ];
  const toolRows = [
    [
      'demo app, HTTP `GET /api/v1/orchestrator/events?task_id=…`',
      b,
      (x) => x.b.medianMs,
      (x) => x.b.count,
    ],
    [
      `\`rg -F --no-filename '"task_id":"${facts.rareTask}"' <6 files>\``,
      rg,
      (x) => x.b.rg.medianMs,
      (x) => x.b.rg.count,
    ],
    [
      `\`grep -F -h '"task_id":"${facts.rareTask}"' <6 files>\``,
      grep,
      (x) => x.b.grep.medianMs,
      (x) => x.b.grep.count,
    ],
    [
      'Node loop: `readFileSync` each file, `JSON.parse` every line, compare `task_id`',
      nodeMs,
      (x) => x.b.node.medianMs,
      (x) => x.b.node.count,
    ],
  ].map(([label, value, pick, count]) => [
    label,
    fixed(value, 1),
    ...perRun(r, (x) => fixed(pick(x), 1)),
    `${fixed(bytes / 1e9 / (value / 1000), 2)} GB/s`,
    perRun(r, (x) => String(count(x))).join(' / '),
  ]);
  const burstRows = r.map((x, i) =>
    x.result
      ? [
          `run ${i + 1}`,
          fixed(x.result.d.burstMs / 1000, 2),
          fixed(x.result.d.queryMedianMs / 1000, 2),
          fixed(x.result.loop.burst.maxMs, 1),
          fixed(x.result.loop.burst.p99Ms, 1),
          fixed(x.result.d.health.maxMs, 0),
          int(x.result.d.sse.receivedDuringBurst),
          int(x.result.d.sse.missingSteps),
          fixed(x.result.d.sse.maxGapMs, 0),
          fixed(x.result.d.sse.maxDeliveryMs, 1),
        ]
      : [`run ${i + 1}`, 'failed', '', '', '', '', '', '', '', ''],
  );
  const versions = good[0]?.b;
  const notes = failures(name, r);
  const section = [
    `**Retention.** Generated once per bench run in a temp dir by the real \`EventLogger\` ` +
      `(\`OrchestratorEventsModule.forRoot({ logFile, maxSize: ${fileMiB} MiB, maxFiles: 5 })\` in a Nest application context): ` +
      `${int(gen.logged)} mixed events (\`job_step\`, \`job_started\`, \`job_completed\`, \`task_started\`, \`job_failed\` at ERROR ` +
      'with an error object, ...) over about 1,000 task_ids, half of the events on 10 busy tasks (`task-hot-0..9`), the rest on ' +
      `990 others; \`${facts.rareTask}\` only among the first events written (so only in the oldest backup), and ` +
      `\`${facts.rareEvent}\` every ${int(gen.plan.rareEventEvery)}th event (in every file). Logged until the 5th backup exists and the current file is 90% full, so ` +
      "that the app's own events during the runs cannot rotate the oldest backup away. Generation took " +
      `${fixed(gen.seconds, 1)} s; ${int(gen.lines)} lines, ${int(gen.bytes)} bytes:`,
    '',
    table(
      ['file', 'bytes', 'lines', `"task_id":"${facts.rareTask}"`, `"event":"${facts.rareEvent}"`],
      fileRows,
    ),
    '',
    `**Server.** The real demo app, \`${path.relative(ROOT, MAIN)}\`${built ? ' (built by this run)' : ''}, with ` +
      '`HOST=127.0.0.1 PORT=0 ORCH_LOG_FILE=<the retention>` and `ORCH_SSE_MAX_CLIENTS`/`ORCH_SSE_MAX_CLIENTS_PER_IP` at ' +
      '100000 (other `ORCH_*`, `REDIS_URL`, `LOG_LEVEL` removed from its environment). The bench child loads it in its own ' +
      'process (`require(main.js)`, the port read from the line it prints): the app runs as with `node main.js`, and that ' +
      'process can watch its event loop with `perf_hooks.monitorEventLoopDelay` (resolution 1 ms), which the app does not ' +
      'expose, and is the one `--cpu-prof` profiles. ' +
      (stale.length
        ? `**The build is older than ${stale.length} source file(s)** (e.g. \`${stale.slice(0, 3).join('`, `')}\`): it was ` +
          'not rebuilt, as other work on the sources is in progress; run `npx nx build orchestrator` first to measure the working tree.'
        : 'The build is newer than every library and app source file.'),
    '',
    `**Client.** Another process (plain Node) sends the requests over a keep-alive connection and times each from ` +
      `request to last body byte; it checks the number of events returned. Each run: a few untimed requests ` +
      `(warm-up), (a) ${plan.a} times, (b) ${plan.b} times and each tool ${plan.tools} times (the Node loop ${plan.nodeLoop}), (c) ${plan.c} times, then (d). The tools are ` +
      `timed from spawn to exit, as at a shell (${versions?.rg?.version ?? 'rg missing'}; ${versions?.grep?.version ?? ''}; locale ` +
      `${good[0]?.locale ?? 'n/a'}); the Node loop inside the client process. GB/s = bytes of all ${gen.files.length} files ` +
      '(10^9 bytes) ÷ time.',
    '',
    table(['query', 'median', ...runHeaders(ctx.runs), 'goal', 'result'], queryRows),
    '',
    `(b) against the command-line tools, same files, same runs (ms; "found" = lines/events each returned, ${facts.rareTaskCount} expected):`,
    '',
    table(['search', 'median ms', ...runHeaders(ctx.runs), 'as GB/s', 'found per run'], toolRows),
    '',
    `The timed (b) requests come after warm-up requests. For the record, the very first request of each run, (b) sent ` +
      `${fixed(
        med((x) => x.b.firstSentMsAfterListening),
        0,
      )} ms (median) after the app printed its listening line, so ` +
      'while it may still be building what it builds at start (lazy compilation, an index of the files), took ' +
      `${perRun(r, (x) => `${fixed(x.b.firstMs, 1)} ms`).join(', ')}.`,
    '',
    `(d) While ${plan.burst} requests \`(c)\` run at once: an SSE client on \`/api/v1/orchestrator/events/stream?task_id=task-live-…\` ` +
      'follows a demo job (`POST /api/v1/jobs {"steps":100,"step_ms":200}`: an event every 200 ms, for longer than the burst) started before the burst; stalls are measured ' +
      "**inside the app's process** (max of `monitorEventLoopDelay` between the burst's start and end), and from outside by a " +
      '`GET /api/v1/health` every 10 ms on its own connection (its slowest answer, which also waits behind the queries). ' +
      'SSE: job events received during the burst, steps missing from the sequence received, longest gap between ' +
      "receipts during the burst (burst start and end count as receipts), slowest delivery (receipt − the event's `timestamp`).",
    '',
    table(
      [
        'run',
        'burst s',
        'query median s',
        'loop max ms',
        'loop p99 ms',
        'health max ms',
        'SSE events during burst',
        'steps missing',
        'max gap ms (events every 200 ms)',
        'max delivery ms',
      ],
      burstRows,
    ),
    ...(countsOk
      ? []
      : ['', '⚠ Some query returned a different number of events than the files hold.']),
    ...(rgMissing
      ? [
          '',
          '⚠ ripgrep (`rg`) is not installed: install the Debian package `ripgrep`; (b) is compared with grep.',
        ]
      : []),
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');

  return {
    headline,
    section,
    raw: { generated: gen, facts, staleSources: stale, runs },
    profile: { subject: 'the demo app process (window: all queries, (a) to (d))', spec },
  };
}

// needsDemoApp: run.js builds dist/apps/orchestrator once, before any figure, when it is missing.
module.exports = {
  id: 'fig6',
  title: 'Figure 6: History queries',
  runs: 3,
  needsDemoApp: true,
  run,
};
