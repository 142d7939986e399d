'use strict';
/**
 * Figure 11, growth of live delivery with the number of SSE clients: figure 3's run (same server
 * child, same client process, same pacing and stamps) at 100, 1,000 and 10,000 clients, ours and
 * plain node:http. Ten clients per task_id at every size, so every run delivers the same 10,000
 * frames per second: what grows is the number of connections held and routed, not the traffic.
 */
const { table } = require('../lib/markdown');
const { medianOf, perRun, runHeaders, failures, seriesOf } = require('../lib/runs');
const { int, fixed, ratio } = require('../lib/stats');
const { lineChart, writeChart } = require('../lib/svg-chart');

const CLIENTS_PER_TASK = 10;
const RATE = 1_000;
const WARMUP_SECONDS = 1;
// 10 s timed: 100,000 deliveries per run at every size, and the figure stays under 7 minutes.
const FULL = { SIZES: [100, 1_000, 10_000], SECONDS: 10 };
// --quick: a tenth of the clients, 1 s timed.
const QUICK = { SIZES: [10, 100, 1_000], SECONDS: 1 };

const SERVERS = [
  { server: 'library', label: 'orchestrator-events' },
  { server: 'plain', label: 'plain node:http' },
];

const nameOf = (label, clients) => `${label}, ${int(clients)} clients`;

const spec = (server, clients, seconds) => ({
  script: 'sse-server.js',
  args: [
    server,
    'latency',
    String(clients),
    String(clients / CLIENTS_PER_TASK),
    String(seconds),
    String(RATE),
    String(WARMUP_SECONDS),
  ],
  timeoutMs: 180_000,
});

const complete = (r) => r.missing === 0 && r.duplicates === 0 && r.misrouted === 0;

function chart(ctx, file, title, yLabel, runs, SIZES, pick, yFormat, yScale = 'linear') {
  const svg = lineChart({
    title,
    yScale,
    xLabel: `SSE clients connected, ${CLIENTS_PER_TASK} per task_id (log scale)`,
    yLabel,
    yFormat,
    xFormat: (x) => int(x),
    series: SERVERS.map((s) => ({
      name: s.label,
      points: seriesOf(
        runs,
        SIZES.map((n) => [n, nameOf(s.label, n)]),
        pick,
      ),
    })),
    note:
      `${int(RATE)} events/s, ${int(RATE * CLIENTS_PER_TASK)} deliveries/s at every size; median of ${ctx.runs} run(s)` +
      (ctx.quick ? '; QUICK MODE sizes, not a result.' : '; lower is better.'),
  });
  return writeChart(ctx.chartsDir, file, svg, title);
}

async function run(ctx) {
  const { SIZES, SECONDS } = ctx.quick ? QUICK : FULL;
  const contenders = SIZES.flatMap((n) =>
    SERVERS.map((s) => ({ name: nameOf(s.label, n), spec: spec(s.server, n, SECONDS) })),
  );
  ctx.progress(
    `Figure 11: ${SIZES.map(int).join(' / ')} SSE clients, ${int(RATE)} events/s for ${SECONDS} s, ` +
      `${contenders.length} contenders x ${ctx.runs} runs`,
  );
  const runs = await ctx.runInterleaved(
    contenders,
    (r) =>
      `p50 ${fixed(r.p50Ms)} ms, p99 ${fixed(r.p99Ms)} ms, server CPU ${fixed(r.cpuPercent, 1)}%` +
      (complete(r) ? '' : `, ⚠ ${int(r.missing)} missing`),
  );
  const med = (name, pick) => medianOf(runs[name], pick);

  const cpuChart = chart(
    ctx,
    'growth-sse-cpu',
    'SSE server CPU by clients connected',
    'server CPU, % of one core (median)',
    runs,
    SIZES,
    (r) => r.cpuPercent,
    (y) => `${fixed(y, y < 10 ? 1 : 0)}%`,
  );
  const p99Chart = chart(
    ctx,
    'growth-sse-p99',
    'log() → SSE client p99 latency by clients connected',
    'p99 latency, ms (median of runs; log scale)',
    runs,
    SIZES,
    (r) => r.p99Ms,
    // A tail can be 1 ms or 1 s depending on the machine's other load: a log axis shows both.
    (y) => (y >= 100 ? int(y) : String(Number(y.toFixed(y < 10 ? 2 : 1)))),
    'log',
  );

  const rows = contenders.map((c) => {
    const r = runs[c.name];
    return [
      c.name,
      fixed(med(c.name, (x) => x.p50Ms)),
      fixed(med(c.name, (x) => x.p99Ms)),
      ...perRun(r, (x) => fixed(x.p99Ms)),
      fixed(med(c.name, (x) => x.p999Ms)),
      fixed(
        med(c.name, (x) => x.cpuPercent),
        1,
      ),
      perRun(r, (x) => fixed(x.cpuPercent, 1)).join(' / '),
      perRun(r, (x) =>
        complete(x)
          ? `all ${int(x.deliveries)}`
          : `⚠ ${int(x.missing)} missing of ${int(x.expectedDeliveries)}`,
      ).join(' / '),
      fixed(
        med(c.name, (x) => x.connect.burstMs / 1000),
        2,
      ),
      `${fixed(
        med(c.name, (x) => x.serverLoopMaxMs),
        0,
      )} / ${fixed(
        med(c.name, (x) => x.clientLoopMaxMs),
        0,
      )}`,
    ];
  });

  const [small, , large] = SIZES;
  const oursLabel = SERVERS[0].label;
  const plainLabel = SERVERS[1].label;
  const growth = (label, pick) => med(nameOf(label, large), pick) / med(nameOf(label, small), pick);
  const cpuAt = (label, n) => med(nameOf(label, n), (r) => r.cpuPercent);
  const headline = [
    {
      figure: '11. Growth: SSE clients',
      measure: `server CPU at ${int(large)} clients ÷ at ${int(small)} (same 10,000 deliveries/s)`,
      ours: `${fixed(cpuAt(oursLabel, small), 1)}% → ${fixed(cpuAt(oursLabel, large), 1)}%: ${ratio(growth(oursLabel, (r) => r.cpuPercent))}`,
      peer: plainLabel,
      peerFigure: `${fixed(cpuAt(plainLabel, small), 1)}% → ${fixed(cpuAt(plainLabel, large), 1)}%: ${ratio(growth(plainLabel, (r) => r.cpuPercent))}`,
      ratio: ratio(cpuAt(oursLabel, large) / cpuAt(plainLabel, large)),
      goal: '- (the curve)',
      met: undefined,
    },
    {
      figure: '11. Growth: SSE clients',
      measure: `p99 log() → client at ${int(large)} clients`,
      ours: `${fixed(med(nameOf(oursLabel, large), (r) => r.p99Ms))} ms`,
      peer: plainLabel,
      peerFigure: `${fixed(med(nameOf(plainLabel, large), (r) => r.p99Ms))} ms`,
      ratio: ratio(
        med(nameOf(oursLabel, large), (r) => r.p99Ms) /
          med(nameOf(plainLabel, large), (r) => r.p99Ms),
      ),
      goal: '- (the curve)',
      met: undefined,
    },
  ];

  const notes = contenders.flatMap((c) => failures(c.name, runs[c.name]));
  const section = [
    `Figure 3's run (\`children/sse-server.js <server> latency\`: the server in the child the harness starts, the clients in a plain ` +
      `Node process of their own, one socket each, latency = receipt − \`sent_at\`) at ${SIZES.map(int).join(', ')} clients. ` +
      `Client *i* follows \`task-(i mod N/${CLIENTS_PER_TASK})\`, so ${CLIENTS_PER_TASK} clients per task at every size, and ${int(RATE)} ` +
      `events/s spread over the tasks: ${int(RATE * CLIENTS_PER_TASK)} frames/s to write at every size, ${WARMUP_SECONDS} s untimed then ` +
      `${SECONDS} s timed. The curves show what holding and routing more connections costs when the traffic stays the same. ` +
      `Same servers as figure 3 (\`library\`: the module with compression and \`sseFastPath\`; \`plain\`: a \`Map<task_id, Set<res>>\`). ` +
      `On this 2-core machine the client process shares the CPU with the server: at ${int(large)} clients it parses as many frames as ` +
      'at the smallest size, but keeps more sockets and timers.',
    '',
    cpuChart,
    '',
    p99Chart,
    '',
    table(
      [
        'server, clients',
        'p50 ms',
        'p99 ms',
        ...runHeaders(ctx.runs).map((h) => `p99 ${h}`),
        'p99.9 ms',
        'server CPU %',
        'CPU per run',
        'deliveries per run',
        'connect s',
        'loop stall ms, server / clients',
      ],
      rows,
    ),
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');

  return {
    headline,
    section,
    raw: { sizes: SIZES, clientsPerTask: CLIENTS_PER_TASK, rate: RATE, seconds: SECONDS, runs },
    profile: {
      subject: `the orchestrator-events server process at ${int(large)} clients`,
      spec: spec('library', large, SECONDS),
    },
  };
}

module.exports = {
  id: 'fig11',
  title: 'Figure 11: Growth of live delivery with SSE clients',
  runs: 3,
  run,
};
