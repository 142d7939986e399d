'use strict';
/**
 * Figure 9, stalled SSE readers: 100 unfiltered SSE clients that stop reading right after the
 * headers, while the server logs a burst of 30,000 events as fast as it can (yielding every 1,000)
 * and a prober asks its health route every 50 ms. The server's RSS growth over idle, how long the
 * health probes waited, how many stalled streams the server cut, and its CPU.
 */
const { table, verdict } = require('../lib/markdown');
const { medianOf, perRun, runHeaders, failures, ok } = require('../lib/runs');
const { int, fixed, ratio } = require('../lib/stats');

const FULL = { CLIENTS: 100, EVENTS: 30_000, CHUNK: 1_000, PROBE_EVERY_MS: 50, TAIL_MS: 2_000 };
// --quick: a fifth of the streams, a tenth of the burst (no stream fills its 8 MiB then).
const QUICK = { ...FULL, CLIENTS: 20, EVENTS: 3_000, TAIL_MS: 500 };
const GOAL_RSS_MB = 100;
const GOAL_PROBE_MS = 1_000;

const spec = (size, server) => ({
  script: 'sse-stalled.js',
  args: [
    server,
    String(size.CLIENTS),
    String(size.EVENTS),
    String(size.CHUNK),
    String(size.PROBE_EVERY_MS),
    String(size.TAIL_MS),
  ],
  timeoutMs: 150_000,
});

// The servers of figures 3 and 4 (children/sse/*.js). Nest's @Sse() is left out: its burst alone
// takes about 30 s per run here (one JSON.stringify per event per stream), which would triple the
// figure's time.
const contenders = (size) => [
  {
    name: 'orchestrator-events',
    spec: spec(size, 'library'),
    how:
      "figure 3's server: `OrchestratorEventsModule.forRoot({ logFile, env: {}, sseMaxClients: 100000, sseMaxClientsPerIp: 100000, sseFastPath: true })` " +
      'in `NestFactory.create()`, prefix `api/v1`, compression; every other option at its default, so ' +
      "`sseMaxBacklogBytes` is 8 MiB: a stream whose waiting bytes (held for it plus Node's socket buffer) would pass that is cut. " +
      'Events through `EventLogger.log()` (which also writes the log file); health route `GET /api/v1/health`, a Nest controller',
  },
  {
    name: 'plain node:http',
    spec: spec(size, 'plain'),
    how:
      '**the "no protection" baseline**: `http.createServer`, each event serialized and framed once and written with ' +
      '`res.write()` to every matching response, with no backlog limit at all (a stalled client has every frame queued ' +
      "for it in Node's socket buffer, for as long as it stays connected); health route `GET /health` in the same handler",
  },
];

const mb = (v) => fixed(v, 0);
const ms = (v) => int(v);
const probeText = (p) =>
  `${ms(p.maxMs)}${p.probesFailed ? ` (⚠ ${p.probesFailed} timed out)` : ''}`;

/**
 * Why the library cut no stream, when it did not: what a stream's socket took before it pushed back,
 * and what was left to wait, against the limit (a client's share of the burst from the plain server).
 */
function backlogNote(runs, ours, plain) {
  const cut = medianOf(runs[ours], (r) => r.cut);
  const share = medianOf(runs[plain], (r) => r.socketBytesWrittenMB);
  const taken = medianOf(runs[ours], (r) => r.socketBytesWrittenMB);
  if (cut !== 0 || !Number.isFinite(share) || !Number.isFinite(taken)) return '';
  return (
    ` No stream was cut: of a client's share of the burst (about ${fixed(share, 1)} MB, as the plain server's sockets took it), ` +
    `the library's sockets took about ${fixed(taken, 1)} MB before they pushed back, leaving about ${fixed(share - taken, 1)} MB ` +
    `to wait for each stream, under the ${fixed(8 * 1.048576, 1)} MB (8 MiB) limit.`
  );
}

async function run(ctx) {
  const size = ctx.quick ? QUICK : FULL;
  const { CLIENTS, EVENTS, CHUNK, PROBE_EVERY_MS, TAIL_MS } = size;
  const CONTENDERS = contenders(size);
  ctx.progress(
    `Figure 9: ${CLIENTS} stalled SSE clients, a burst of ${int(EVENTS)} events, a health probe every ` +
      `${PROBE_EVERY_MS} ms, ${CONTENDERS.length} contenders x ${ctx.runs} runs`,
  );
  const runs = await ctx.runInterleaved(
    CONTENDERS,
    (r) =>
      `RSS +${mb(r.rssGrowthMB)} MB, probe max ${ms(r.fresh.maxMs)} ms (p99 ${ms(r.fresh.p99Ms)}, ` +
      `kept-alive max ${ms(r.kept.maxMs)}), ${r.cut}/${r.clients} cut, burst ${fixed(r.burstMs / 1000, 1)} s, ` +
      `CPU ${fixed(r.burstCpuMs / 1000, 1)} s`,
  );
  const med = (name, pick) => medianOf(runs[name], pick);
  const ours = CONTENDERS[0].name;
  const plain = CONTENDERS[1].name;
  const growth = med(ours, (r) => r.rssGrowthMB);
  const probeMax = med(ours, (r) => r.fresh.maxMs);
  const noTimeouts = ok(runs[ours]).every((r) => r.fresh.probesFailed === 0);
  const rssMet = Number.isFinite(growth) && growth <= GOAL_RSS_MB;
  const probeMet = Number.isFinite(probeMax) && probeMax < GOAL_PROBE_MS && noTimeouts;

  const rows = CONTENDERS.map((c) => {
    const r = runs[c.name];
    const isOurs = c.name === ours;
    return [
      c.name,
      mb(med(c.name, (x) => x.rssGrowthMB)),
      ...perRun(r, (x) => mb(x.rssGrowthMB)),
      `${mb(med(c.name, (x) => x.idleRssMB))} → ${mb(med(c.name, (x) => x.peakRssMB))}`,
      mb(med(c.name, (x) => x.heapUsedGrowthMB)),
      ms(med(c.name, (x) => x.fresh.maxMs)),
      ...perRun(r, (x) => probeText(x.fresh)),
      ms(med(c.name, (x) => x.fresh.p99Ms)),
      `${ms(med(c.name, (x) => x.kept.maxMs))} / ${ms(med(c.name, (x) => x.kept.p99Ms))}`,
      perRun(r, (x) => `${x.cut}`).join(' / '),
      fixed(
        med(c.name, (x) => x.socketBytesWrittenMB),
        1,
      ),
      fixed(
        med(c.name, (x) => x.burstMs / 1000),
        1,
      ),
      fixed(
        med(c.name, (x) => x.burstCpuMs / 1000),
        1,
      ),
      ms(med(c.name, (x) => x.serverLoopMaxMs)),
      perRun(r, (x) => fixed(x.loadAverage, 1)).join(' / '),
      isOurs ? `RSS ≤ +${GOAL_RSS_MB} MB, every probe < ${int(GOAL_PROBE_MS)} ms` : '-',
      verdict(isOurs ? rssMet && probeMet : undefined),
    ];
  });

  const headline = [
    {
      figure: '9. Stalled SSE readers',
      measure: `server peak RSS over idle, ${CLIENTS} stalled streams, burst of ${int(EVENTS)} events (streams cut)`,
      ours: `+${mb(growth)} MB (${med(ours, (r) => r.cut)} of ${CLIENTS} cut)`,
      peer: plain,
      peerFigure: `+${mb(med(plain, (r) => r.rssGrowthMB))} MB (no limit: ${med(plain, (r) => r.cut)} cut)`,
      ratio: ratio(growth / med(plain, (r) => r.rssGrowthMB)),
      goal: `≤ +${GOAL_RSS_MB} MB`,
      met: rssMet,
    },
    {
      figure: '9. Stalled SSE readers',
      measure:
        `slowest health probe during the burst and ${TAIL_MS / 1000} s after, a new connection every ${PROBE_EVERY_MS} ms ` +
        '(p99; slowest on kept-alive connections)',
      ours:
        `${ms(probeMax)} ms (${ms(med(ours, (r) => r.fresh.p99Ms))}; ${ms(med(ours, (r) => r.kept.maxMs))})` +
        (noTimeouts ? '' : ' ⚠ probes timed out'),
      peer: plain,
      peerFigure: `${ms(med(plain, (r) => r.fresh.maxMs))} ms (${ms(med(plain, (r) => r.fresh.p99Ms))}; ${ms(med(plain, (r) => r.kept.maxMs))})`,
      ratio: ratio(probeMax / med(plain, (r) => r.fresh.maxMs)),
      goal: `< ${int(GOAL_PROBE_MS)} ms, every probe`,
      met: probeMet,
    },
  ];

  const notes = CONTENDERS.flatMap((c) => failures(c.name, runs[c.name]));
  const probeCount = med(ours, (r) => r.fresh.probes);
  const section = [
    `Each run starts the server in one child process and, in another (plain Node, no ts-node), ${CLIENTS} SSE clients ` +
      'and a health prober. The server first logs 1,000 events with no client (warm-up). Every client then opens an ' +
      '**unfiltered** stream (all of them receive every event) on a raw TCP socket, reads the status line and headers, ' +
      "and pauses the socket for good: Node stops reading it once its 16 KiB read buffer is full, the kernel's buffers " +
      `fill, and the server's writes back up. The prober then sends \`GET\` to the health route every ${PROBE_EVERY_MS} ms, ` +
      'whether or not the previous probe answered, in two ways half a period apart: on a **new connection** per probe ' +
      '(`agent: false`, as a Kubernetes or load-balancer probe does; the headline), and on one of 40 **kept-alive** ' +
      'connections opened beforehand. Both routes answer `{ status, memory: process.memoryUsage() }` as JSON. Once both ' +
      'probers answer, two full GCs and `process.memoryUsage()`: **idle**. Then the burst: ' +
      `${int(EVENTS)} events (figure 3's, without \`sent_at\`) logged as fast as possible, yielding to the event loop ` +
      `(\`await new Promise(setImmediate)\`) after every ${int(CHUNK)} as an app does between jobs. The server samples its RSS ` +
      `every 20 ms and at every yield from the first event until ${TAIL_MS / 1000} s after the last was logged; RSS growth = ` +
      'peak - idle, in MB (10^6 bytes). The probes counted are those sent in that same window ' +
      `(about ${int(probeCount)} of each kind per run), each timed from its request to the end of its answer, given up ` +
      'after 10 s. "Cut": streams the server closed in that window (the clients never leave). CPU: `process.cpuUsage()` of ' +
      'the server (user + system) from the first event to the last. Same events, same clients, same probes for both:',
    '',
    ...CONTENDERS.map((c) => `- **${c.name}**: ${c.how}.`),
    '',
    `Reading the probes: Node (libuv ${process.versions.uv} here; one accept per poll since libuv/libuv#3696) accepts one connection per turn of its event loop, and a turn ` +
      `of the burst is one chunk of ${int(CHUNK)} events to ${CLIENTS} streams; when a turn is longer than ${PROBE_EVERY_MS} ms, new ` +
      'connections queue in the listen backlog and each probe waits for those before it. Probes on kept-alive ' +
      'connections need no accept: they wait only for the turn in progress, and show how long the event loop itself was ' +
      `held (also in "loop stall": the server's longest event-loop delay over the window, \`monitorEventLoopDelay\`). ` +
      '"Socket MB": what each stream\'s socket had taken (`socket.bytesWritten`, median over streams: in the kernel or in ' +
      "Node's buffer); for the plain server, whose sockets take everything, that is a client's whole share of the burst.",
    '',
    table(
      [
        'contender',
        'RSS growth MB',
        ...runHeaders(ctx.runs),
        'RSS MB, idle → peak',
        'JS heap growth MB',
        'probe max ms (new conn.)',
        ...runHeaders(ctx.runs).map((h) => `max ${h}`),
        'probe p99 ms',
        'kept-alive max / p99 ms',
        'streams cut per run',
        'socket MB per stream',
        'burst s',
        'burst CPU s',
        'loop stall ms',
        'load avg at run start',
        'goal',
        'result',
      ],
      rows,
    ),
    '',
    `Figures are medians over ${ctx.runs} runs. Socket buffers are kernel memory, not in RSS.${backlogNote(runs, ours, plain)}`,
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');

  return {
    headline,
    section,
    raw: {
      clients: CLIENTS,
      events: EVENTS,
      chunk: CHUNK,
      probeEveryMs: PROBE_EVERY_MS,
      tailMs: TAIL_MS,
      runs,
    },
    profile: {
      subject: 'the orchestrator-events server process (window: the burst and the 2 s after)',
      spec: CONTENDERS[0].spec,
    },
  };
}

module.exports = { id: 'fig9', title: 'Figure 9: Stalled SSE readers', runs: 3, run };
