'use strict';
/**
 * Figure 10, half-open sockets: 5,000 sockets that connect and never send a complete request (half
 * send nothing, half a request line and one header), opened in batches of 500 while a prober asks
 * the health route every 50 ms on a new connection. Health latency while they are open, how many
 * the server closed and how soon, and its open file descriptors: the demo app as built (its own
 * per-socket headers timeout, apps/orchestrator/src/http/server-limits.ts) against node:http.
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { ROOT } = require('../lib/child-runner');
const { DEMO_MAIN, ensureDemoBuilt, sourcesNewerThanDemo } = require('../lib/demo-app');
const { table, verdict } = require('../lib/markdown');
const { medianOf, perRun, runHeaders, failures, ok } = require('../lib/runs');
const { int, fixed, ratio } = require('../lib/stats');

const BUILD_DIR = path.dirname(DEMO_MAIN);
const MAIN = DEMO_MAIN;
/**
 * Every run loads a copy of the build taken when the figure starts, so that a rebuild by someone
 * else during the figure cannot give its runs different apps. Under benchmarks/results/ (git-ignored)
 * so that main.js finds the repository's node_modules; removed when the harness exits.
 */
const SNAPSHOT = path.join(ROOT, 'benchmarks', 'results', `fig10-app-${process.pid}`);
const FULL = {
  SOCKETS: 5_000,
  BATCH: 500,
  PROBE_EVERY_MS: 50,
  /** Probes counted: from the first batch to this long after the last socket opened. */
  WINDOW_MS: 5_000,
  /** The bounded wait for the server to close them, after the last socket opened. */
  WAIT_MS: 15_000,
};
// --quick: a tenth of the sockets; plain node:http (which closes none) waits 4 s instead of 15.
const QUICK = { ...FULL, SOCKETS: 500, BATCH: 250, WINDOW_MS: 1_000, WAIT_MS: 4_000 };
/** HTTP_HEADERS_TIMEOUT_MS of the app (default 10 s), shortened so that a run is short. */
const HEADERS_TIMEOUT_MS = 2_000;
const CLOSE_GOAL_MS = HEADERS_TIMEOUT_MS + 2_000;
const GOAL_PROBE_MS = 1_000;

/** Uncommitted changes to the app or the libraries (the build may include them). */
function uncommitted() {
  try {
    return execFileSync('git', ['status', '--porcelain', '--', 'apps/orchestrator/src', 'libs'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(3));
  } catch {
    return [];
  }
}

/** Copies the build to SNAPSHOT; returns the build's time. */
function snapshotBuild() {
  const builtAt = fs.statSync(MAIN).mtime;
  fs.rmSync(SNAPSHOT, { recursive: true, force: true });
  fs.cpSync(BUILD_DIR, SNAPSHOT, { recursive: true });
  process.once('exit', () => fs.rmSync(SNAPSHOT, { recursive: true, force: true }));
  return builtAt;
}

const spec = (size, server) => ({
  script: 'half-open.js',
  args: [
    server,
    String(size.SOCKETS),
    String(size.BATCH),
    String(size.PROBE_EVERY_MS),
    String(size.WINDOW_MS),
    String(size.WAIT_MS),
    String(CLOSE_GOAL_MS),
    path.join(SNAPSHOT, 'main.js'),
    String(HEADERS_TIMEOUT_MS),
  ],
  timeoutMs: 120_000,
});

const contenders = (size) => [
  {
    name: 'orchestrator-events',
    spec: spec(size, 'app'),
    how:
      `the demo app as built (\`dist/apps/orchestrator/main.js\`) with \`HTTP_HEADERS_TIMEOUT_MS=${HEADERS_TIMEOUT_MS}\` ` +
      '(default 10000; shortened so that a run is short) and every other limit at its default: each new socket gets ' +
      `\`socket.setTimeout(${HEADERS_TIMEOUT_MS})\` (inactivity) until its first request arrives, Node's \`headersTimeout\` ` +
      `${HEADERS_TIMEOUT_MS} ms checked every ${HEADERS_TIMEOUT_MS / 4} ms, \`requestTimeout\` 30 s, \`keepAliveTimeout\` 5 s, ` +
      '`maxConnections` the open-files limit less 1,024; health route `GET /api/v1/health` (Nest controller; no `ORCH_EVENTS_TOKEN`, so the full JSON: ' +
      'streams, event-file stats, `process.memoryUsage()`, a count of `/proc/self/fd`)',
  },
  {
    name: 'plain node:http',
    spec: spec(size, 'plain'),
    how:
      "`http.createServer()` with **Node's defaults** (`headersTimeout` 60 s, `requestTimeout` 300 s, connections " +
      "checked every 30 s, no `maxConnections`): within this figure's window it is not expected to close any socket; " +
      "its `GET /api/v1/health` does what the app's costs most: `process.memoryUsage()` and a count of `/proc/self/fd`, as JSON",
  },
  {
    name: 'node:http, headersTimeout 2 s',
    spec: spec(size, 'plain-timeout'),
    how:
      `the same server with Node's own mechanism only: \`http.createServer({ headersTimeout: ${HEADERS_TIMEOUT_MS}, ` +
      "connectionsCheckingInterval: 500 })`, no per-socket timeout: what Node's own check does with these sockets on " +
      `this Node version (${process.version}), and at what cost to the probes`,
  },
];

const ms = (v) => int(v);
const probeText = (p) => `${ms(p.maxMs)}${p.probesFailed ? ` (⚠ ${p.probesFailed} failed)` : ''}`;
/** Sockets the server process still held at the end of the wait: its descriptors over those before. */
const held = (r) =>
  Number.isFinite(r.fds.after) && Number.isFinite(r.fds.before) ? r.fds.after - r.fds.before : NaN;
/** A few descriptors come and go with the app's own work (a probe, a log file): not a socket held. */
const FD_SLACK = 16;
const closedText = (r) =>
  `${int(r.closedWithinGoal)}` +
  (r.stillOpen ? ` (${int(r.stillOpen)} open at ${fixed(r.waitedMs / 1000, 0)} s)` : '') +
  (held(r) > FD_SLACK ? ` ⚠ server holds ${int(held(r))} fds` : '');

async function run(ctx) {
  const size = ctx.quick ? QUICK : FULL;
  const { SOCKETS, BATCH, PROBE_EVERY_MS, WINDOW_MS, WAIT_MS } = size;
  const CONTENDERS = contenders(size);
  const built = ensureDemoBuilt(ctx.progress);
  const stale = sourcesNewerThanDemo();
  const builtAt = snapshotBuild();
  const dirty = uncommitted();
  ctx.progress(
    `Figure 10: ${int(SOCKETS)} half-open sockets in batches of ${BATCH}, a health probe every ` +
      `${PROBE_EVERY_MS} ms, ${CONTENDERS.length} contenders x ${ctx.runs} runs`,
  );
  const runs = await ctx.runInterleaved(
    CONTENDERS,
    (r) =>
      `probe max ${ms(r.probes.maxMs)} ms (p99 ${ms(r.probes.p99Ms)}, ${r.probes.probesFailed} failed), ` +
      `${int(r.closedWithinGoal)}/${int(r.opened)} closed within ${CLOSE_GOAL_MS / 1000} s, ` +
      `${int(r.stillOpen)} open after ${fixed(r.waitedMs / 1000, 1)} s, ` +
      `fds ${r.fds.before} → ${r.fds.peak} → ${r.fds.after}, opened in ${fixed(r.openMs / 1000, 2)} s`,
  );
  const med = (name, pick) => medianOf(runs[name], pick);
  const ours = CONTENDERS[0].name;
  const plain = CONTENDERS[1].name;

  const probeMax = med(ours, (r) => r.probes.maxMs);
  const probeP99 = med(ours, (r) => r.probes.p99Ms);
  const oursOk = ok(runs[ours]);
  const noFailures = oursOk.length > 0 && oursOk.every((r) => r.probes.probesFailed === 0);
  const probeMet = Number.isFinite(probeMax) && probeMax < GOAL_PROBE_MS && noFailures;
  const closedWithin = med(ours, (r) => r.closedWithinGoal);
  const closeMet =
    oursOk.length > 0 &&
    oursOk.every(
      (r) =>
        r.opened === SOCKETS &&
        r.closedWithinGoal === SOCKETS &&
        !(held(r) > FD_SLACK) &&
        r.fds.after !== undefined,
    );

  const rows = CONTENDERS.map((c) => {
    const r = runs[c.name];
    const isOurs = c.name === ours;
    return [
      c.name,
      ms(med(c.name, (x) => x.probes.maxMs)),
      ...perRun(r, (x) => probeText(x.probes)),
      ms(med(c.name, (x) => x.probes.p99Ms)),
      perRun(r, (x) => `${x.probes.probesFailed}/${x.probes.probes}`).join(' / '),
      perRun(r, (x) => `${x.probes.probesManyOpen}`).join(' / '),
      int(med(c.name, (x) => x.closedWithinGoal)),
      ...perRun(r, closedText),
      perRun(r, (x) => `${int(x.silent.closed)} / ${int(x.partial.closed)}`).join('; '),
      perRun(r, (x) =>
        Number.isFinite(x.allClosedAfterMs) ? fixed(x.allClosedAfterMs / 1000, 2) : 'not all',
      ).join(' / '),
      `${int(med(c.name, (x) => x.fds.before))} → ${int(med(c.name, (x) => x.fds.peak))} → ${int(
        med(c.name, (x) => x.fds.after),
      )}`,
      fixed(
        med(c.name, (x) => x.openMs / 1000),
        2,
      ),
      ms(med(c.name, (x) => x.serverLoopMaxMs)),
      perRun(r, (x) => fixed(x.loadAverage, 1)).join(' / '),
      isOurs
        ? `every probe answers, max < ${int(GOAL_PROBE_MS)} ms; all ${int(SOCKETS)} closed within ${CLOSE_GOAL_MS / 1000} s`
        : '-',
      verdict(isOurs ? probeMet && closeMet : undefined),
    ];
  });

  const headline = [
    {
      figure: '10. Half-open sockets',
      measure: `health p99/max with ${int(SOCKETS)} half-open sockets open, a new connection every ${PROBE_EVERY_MS} ms`,
      ours:
        `${ms(probeP99)} / ${ms(probeMax)} ms` +
        (noFailures ? '' : ` ⚠ ${med(ours, (r) => r.probes.probesFailed)} probes failed (median)`),
      peer: plain,
      peerFigure:
        `${ms(med(plain, (r) => r.probes.p99Ms))} / ${ms(med(plain, (r) => r.probes.maxMs))} ms` +
        (ok(runs[plain]).some((r) => r.probes.probesFailed)
          ? ` ⚠ ${med(plain, (r) => r.probes.probesFailed)} failed (median)`
          : ''),
      ratio: ratio(probeMax / med(plain, (r) => r.probes.maxMs)),
      goal: `every probe answers, max < ${int(GOAL_PROBE_MS)} ms`,
      met: probeMet,
    },
    {
      figure: '10. Half-open sockets',
      measure: `half-open sockets closed by the server within the headers timeout (${HEADERS_TIMEOUT_MS / 1000} s) + 2 s`,
      ours:
        `${int(closedWithin)} of ${int(SOCKETS)} (server fds ${int(med(ours, (r) => r.fds.peak))} → ` +
        `${int(med(ours, (r) => r.fds.after))})`,
      peer: plain,
      peerFigure:
        `${int(med(plain, (r) => r.closedWithinGoal))} of ${int(SOCKETS)} ` +
        `(Node's default headersTimeout: 60 s; ${int(med(plain, (r) => r.stillOpen))} open after ${WAIT_MS / 1000} s, ` +
        `server fds ${int(med(plain, (r) => r.fds.peak))} → ${int(med(plain, (r) => r.fds.after))})`,
      ratio: 'n/a',
      goal: `all ${int(SOCKETS)}, their fds released`,
      met: closeMet,
    },
  ];

  const notes = CONTENDERS.flatMap((c) => [
    ...failures(c.name, runs[c.name]),
    ...runs[c.name].flatMap((x, i) =>
      x.result && (x.result.connectFailed || x.result.batchesNotAccepted)
        ? [
            `- ${c.name}, run ${i + 1}: ${int(x.result.connectFailed)} sockets failed to connect ` +
              `(${x.result.connectErrors.join(', ') || 'no error'}), ${x.result.batchesNotAccepted} batches not seen accepted within 3 s.`,
          ]
        : [],
    ),
  ]);
  const first = ok(runs[ours])[0];
  const section = [
    'Each run starts the server in one child process (the process measured) and, in another (plain Node, no ts-node), ' +
      `the sockets and a health prober. The prober first sends 20 \`GET /api/v1/health\` one after the other (warm-up), then ` +
      `one every ${PROBE_EVERY_MS} ms **on a new connection each** (\`agent: false\`, as a Kubernetes or load-balancer ` +
      'probe does), whether or not the previous one answered, each timed from its request to the end of its answer and ' +
      'given up after 10 s (counted as failed; a non-200 or a body without `status: "ok"` and `memory` counts as failed ' +
      `too). 500 ms later the client opens ${int(SOCKETS)} raw TCP sockets to the server in batches of ${BATCH} (Node's ` +
      `listen backlog is 511): every other socket sends **nothing** (silent), the others send a request line and one ` +
      'header (`GET /half-open/<i> HTTP/1.1\\r\\nHost: …\\r\\n`) and **never the blank line** that ends the headers (partial). ' +
      'The next batch starts once every socket of the batch is connected and the server has accepted them (its count of open file descriptors, read from `/proc/<server pid>/fd` ' +
      'by the client process, has grown by as much), so no connection waits in an overflowing listen queue. The client never ' +
      "closes a socket, nor answers the server's FIN with its own (`allowHalfOpen`, as a client holding sockets on purpose " +
      "would not): it records when the server closed each (FIN or reset), and the server's descriptor count shows whether " +
      'the server really let go. ' +
      `**Probes** counted: those sent from the first batch to ${WINDOW_MS / 1000} s after the last socket opened ` +
      `(about ${int(med(ours, (r) => r.probes.probes))} per run); "with ≥ 1,000 open": how many of those were sent while at least ` +
      '1,000 of the sockets were still open (the app closes them about 2 s after they open, so its later probes find few). ' +
      `**Closed**: sockets the server closed within ${CLOSE_GOAL_MS / 1000} s of their own connection (the headers timeout + 2 s); ` +
      `the client waits until the server has closed all of them (and the probe window is over), at most ${WAIT_MS / 1000} s after ` +
      'the last opened; "all closed after": from the last socket opened to the last closed. ' +
      '**fds**: open file descriptors of the server process before the sockets, once all are open, and at the end of the wait ' +
      `(the closing goal also asks that they be back within ${FD_SLACK} of the count before). ` +
      "Loop stall: the server's longest event-loop delay over the whole window (`monitorEventLoopDelay`, in its process). " +
      `\`ulimit -n\` here was ${first?.fdLimit ?? 'n/a'} in both processes.`,
    '',
    ...CONTENDERS.map((c) => `- **${c.name}**: ${c.how}.`),
    '',
    `**Server.** \`${path.relative(ROOT, MAIN)}\` of ${builtAt.toISOString()}${built ? ' (built by this run, `npx nx run orchestrator:build`)' : ''}, ` +
      'copied when the figure starts (every run loads that copy, so a rebuild meanwhile cannot mix two apps) and loaded in the ' +
      "child's own process (`require(main.js)`, as in figure 6) with `HOST=127.0.0.1 PORT=0 ORCH_LOG_FILE=<a temp dir>` and " +
      `\`HTTP_HEADERS_TIMEOUT_MS=${HEADERS_TIMEOUT_MS}\` (other \`ORCH_*\`, \`HTTP_*\`, \`REDIS_URL\`, \`LOG_LEVEL\` removed). ` +
      (stale.length
        ? `**The build is older than ${stale.length} source file(s)** (e.g. \`${stale.slice(0, 3).join('`, `')}\`): it was ` +
          'not rebuilt, as other work on the sources is in progress; run `npx nx run orchestrator:build` first to measure the working tree.'
        : 'The build is newer than every library and app source file.') +
      (dirty.length
        ? ` The working tree had uncommitted changes to ${dirty.length} of them (\`${dirty.slice(0, 3).join('`, `')}\`), ` +
          'which a build newer than them includes.'
        : ''),
    '',
    table(
      [
        'contender',
        'probe max ms',
        ...runHeaders(ctx.runs).map((h) => `max ${h}`),
        'probe p99 ms',
        'failed/probes per run',
        'probes with ≥ 1,000 open per run',
        `closed within ${CLOSE_GOAL_MS / 1000} s`,
        ...runHeaders(ctx.runs).map((h) => `closed ${h}`),
        'closed silent / partial per run',
        'all closed after s per run',
        'server fds before → peak → after',
        `open ${int(SOCKETS)} s`,
        'loop stall ms',
        'load avg at run start',
        'goal',
        'result',
      ],
      rows,
    ),
    '',
    `Figures are medians over ${ctx.runs} runs. A socket that Node's own check (\`headersTimeout\`) closes gets a ` +
      "`408 Request Timeout` first; one the app's per-socket timeout closes gets nothing. Sockets answered 408 per run, " +
      `silent / partial: ${CONTENDERS.map(
        (c) =>
          `${c.name} ${perRun(runs[c.name], (x) => `${int(x.silent.answered408)} / ${int(x.partial.answered408)}`).join(', ')}`,
      ).join('; ')}.`,
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');

  return {
    headline,
    section,
    raw: {
      sockets: SOCKETS,
      batch: BATCH,
      probeEveryMs: PROBE_EVERY_MS,
      windowMs: WINDOW_MS,
      waitMs: WAIT_MS,
      headersTimeoutMs: HEADERS_TIMEOUT_MS,
      closeGoalMs: CLOSE_GOAL_MS,
      staleSources: stale,
      builtAt,
      uncommitted: dirty,
      runs,
    },
    profile: {
      subject: 'the demo app process (window: the first batch to the end of the wait)',
      spec: CONTENDERS[0].spec,
    },
  };
}

module.exports = {
  id: 'fig10',
  title: 'Figure 10: Half-open sockets',
  runs: 3,
  needsDemoApp: true,
  run,
};
