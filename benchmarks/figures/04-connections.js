'use strict';
/**
 * Figure 4, connections held: 10,000 idle SSE streams opened in one burst; the server's memory per
 * connection (RSS after a full GC, before and after) and the time to accept them all.
 */
const { table, verdict } = require('../lib/markdown');
const { medianOf, perRun, runHeaders, failures } = require('../lib/runs');
const { int, fixed, ratio } = require('../lib/stats');

const FULL = { CLIENTS: 10_000, TASKS: 100 };
// --quick: a tenth of the streams; per-connection memory is then noisier (RSS grows in pages).
const QUICK = { CLIENTS: 1_000, TASKS: 100 };
const KIB = 1024;
const GOAL_KIB = 13;
const GOAL_S = 3;

const spec = (size, server) => ({
  script: 'sse-server.js',
  args: [server, 'connections', String(size.CLIENTS), String(size.TASKS)],
  execArgv: ['--expose-gc'],
  timeoutMs: 120_000,
});

// The servers are those of figure 3 (children/sse/*.js).
const contenders = (size) => [
  { name: 'orchestrator-events', spec: spec(size, 'library') },
  { name: 'plain node:http', spec: spec(size, 'plain') },
  { name: 'NestJS @Sse() + Subject', spec: spec(size, 'nest-sse') },
  { name: 'better-sse', spec: spec(size, 'better-sse') },
];

/** A kernel setting from /proc/sys, for the record ('n/a' where unreadable). */
function sysctl(name) {
  try {
    return require('node:fs').readFileSync(`/proc/sys/${name}`, 'utf8').trim();
  } catch {
    return 'n/a';
  }
}

const kib = (r) => r.bytesPerConnection / KIB;
const seconds = (r) => r.connect.burstMs / 1000;

function connectedText(r) {
  return r.connect.failed === 0
    ? fixed(seconds(r), 2)
    : `${fixed(seconds(r), 2)} ⚠ ${int(r.connect.failed)} failed`;
}

async function run(ctx) {
  const size = ctx.quick ? QUICK : FULL;
  const { CLIENTS, TASKS } = size;
  const CONTENDERS = contenders(size);
  ctx.progress(
    `Figure 4: ${int(CLIENTS)} idle SSE clients in a burst, ${CONTENDERS.length} contenders x ${ctx.runs} runs`,
  );
  const runs = await ctx.runInterleaved(
    CONTENDERS,
    (r) =>
      `${fixed(kib(r), 1)} KiB/connection (heap ${fixed(r.heapBytesPerConnection / KIB, 1)}), ` +
      `all ${int(r.clients)} in ${fixed(seconds(r), 2)} s` +
      (r.connect.failed ? `, ${int(r.connect.failed)} FAILED` : ''),
  );
  const med = (name, pick) => medianOf(runs[name], pick);
  const ours = CONTENDERS[0].name;
  const plain = CONTENDERS[1].name;
  const betterSse = CONTENDERS[3].name;
  const oursKib = med(ours, kib);
  const oursS = med(ours, seconds);
  const noFailures = runs[ours].every((x) => x.result && x.result.connect.failed === 0);

  const rows = CONTENDERS.map((c) => {
    const r = runs[c.name];
    const isOurs = c.name === ours;
    return [
      c.name,
      fixed(med(c.name, kib), 1),
      ...perRun(r, (x) => fixed(kib(x), 1)),
      fixed(
        med(c.name, (x) => x.heapBytesPerConnection / KIB),
        1,
      ),
      fixed(
        med(c.name, (x) => x.rssAfterMiB - x.rssBeforeMiB),
        0,
      ),
      fixed(med(c.name, seconds), 2),
      ...perRun(r, connectedText),
      fixed(
        med(c.name, (x) => x.burstCpuPercent),
        0,
      ),
      perRun(r, (x) => int(x.listenOverflows)).join(' / '),
      perRun(r, (x) => fixed(x.loadAverage, 1)).join(' / '),
      isOurs ? `≤ ${GOAL_KIB} KiB, ≤ ${GOAL_S} s` : '-',
      verdict(isOurs ? oursKib <= GOAL_KIB && oursS <= GOAL_S && noFailures : undefined),
    ];
  });

  const headline = [
    {
      figure: '4. Connections held',
      measure: `server RSS per idle SSE connection, ${int(CLIENTS)} open`,
      ours: `${fixed(oursKib, 1)} KiB`,
      peer: plain,
      peerFigure: `${fixed(med(plain, kib), 1)} KiB`,
      ratio: ratio(oursKib / med(plain, kib)),
      goal: `≤ ${GOAL_KIB} KiB`,
      met: Number.isFinite(oursKib) && oursKib <= GOAL_KIB,
    },
    {
      figure: '4. Connections held',
      measure: `time to accept ${int(CLIENTS)} streams in a burst`,
      ours: `${fixed(oursS, 2)} s${noFailures ? '' : ' ⚠ some failed'}`,
      peer: plain,
      peerFigure: `${fixed(med(plain, seconds), 2)} s`,
      ratio: ratio(oursS / med(plain, seconds)),
      goal: `≤ ${GOAL_S} s`,
      met: Number.isFinite(oursS) && oursS <= GOAL_S && noFailures,
    },
    {
      figure: '4. Connections held',
      measure: `the same ${int(CLIENTS)} streams on better-sse: KiB per connection, accept time`,
      ours: `${fixed(oursKib, 1)} KiB, ${fixed(oursS, 2)} s`,
      peer: betterSse,
      peerFigure: `${fixed(med(betterSse, kib), 1)} KiB, ${fixed(med(betterSse, seconds), 2)} s`,
      ratio: `${ratio(oursKib / med(betterSse, kib))} KiB, ${ratio(oursS / med(betterSse, seconds))} s`,
      goal: '- (for scale)',
      met: undefined,
    },
  ];

  const notes = CONTENDERS.flatMap((c) => [
    ...failures(c.name, runs[c.name]),
    ...runs[c.name].flatMap((x, i) =>
      x.result && x.result.connect.failed > 0
        ? [
            `- ${c.name}, run ${i + 1}: ${int(x.result.connect.failed)} of ${int(CLIENTS)} streams failed to open ` +
              `(\`${x.result.connect.firstErrors.join('`, `')}\`); the accept time counts the others.`,
          ]
        : [],
    ),
  ]);
  const section = [
    `The servers of figure 3 (better-sse included: a session and its channel per stream, its 10 s keep-alive timer each), each in its own child process started with \`--expose-gc\`; the clients in another process ` +
      `(plain \`http.request\` with \`agent: false\`: one socket per stream, no keep-alive pool). Every stream is **filtered**: ` +
      `client *i* asks for \`task_id=task-(i mod ${TASKS})\`, ${CLIENTS / TASKS} streams per task; no event is logged, the ` +
      "streams stay idle (the library's 15 s heartbeat may fire once). Each run: 100 streams opened and closed first " +
      '(warm-up: lazy compilation and first-request allocations are not counted), then two full GCs and ' +
      `\`process.memoryUsage()\` (before), then all ${int(CLIENTS)} requests issued at once (100 per event-loop turn of the ` +
      'client), then, once every stream has its first frame, 300 ms, two full GCs and `process.memoryUsage()` again (after). ' +
      `Memory per connection = (RSS after - RSS before) / ${int(CLIENTS)}, in KiB (1,024 bytes); socket buffers are kernel ` +
      'memory and not in RSS. Accept time: from the first request to the last first frame received by the client process ' +
      "(the `retry:` frame of the library and the plain server, the blank line Nest writes after its headers). Every server listens with Node's default backlog (511; " +
      `\`net.core.somaxconn\` here is ${sysctl('net/core/somaxconn')}): a server that accepts more slowly than the burst comes lets its listen queue overflow, and ` +
      "each refused connection costs its client a retransmission 1 s, then 3 s, ... later. The table shows the kernel's " +
      '`TcpExt ListenOverflows` during the burst (for the whole network namespace: another process on the machine could add to it) ' +
      "and the server's CPU over the burst (`process.cpuUsage()`, % of one core): well below 100% during a long burst means the server was " +
      'mostly waiting for those retransmissions, not working. ' +
      `The client and the server each hold ${int(CLIENTS)} sockets: \`ulimit -n\` here was ${runs[ours].find((x) => x.result)?.result.clientFds ?? 'n/a'} (checked by the child, raised with \`sh -c 'ulimit -n'\` for the client when lower).`,
    '',
    table(
      [
        'contender',
        'KiB per connection',
        ...runHeaders(ctx.runs),
        'of which JS heap KiB',
        'RSS growth MiB',
        `accept ${int(CLIENTS)} s`,
        ...runHeaders(ctx.runs).map((h) => `s ${h}`),
        'server CPU in burst %',
        'listen-queue overflows per run',
        'load avg at run start',
        'goal',
        'result',
      ],
      rows,
    ),
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');

  return {
    headline,
    section,
    raw: { clients: CLIENTS, tasks: TASKS, runs },
    profile: {
      subject: 'the orchestrator-events server process (window: the connection burst)',
      spec: CONTENDERS[0].spec,
    },
  };
}

module.exports = { id: 'fig4', title: 'Figure 4: Connections held', runs: 3, run };
