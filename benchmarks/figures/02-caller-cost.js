'use strict';
/**
 * Figure 2, caller cost of log(): how long the calling code is held up by one call, timed call by
 * call, p50 and p99 over 100,000 calls.
 */
const { table, verdict } = require('../lib/markdown');
const { medianOf, perRun, runHeaders, failures } = require('../lib/runs');
const { int, fixed, ratio } = require('../lib/stats');

const FULL = { CALLS: 100_000, WARMUP: 10_000 };
// --quick: a tenth of the calls, a fifth of the warm-up.
const QUICK = { CALLS: 10_000, WARMUP: 2_000 };
const YIELD_EVERY = 1_000;
const GOAL_P99_US = 5;

const spec = (size, sink) => ({
  script: 'caller-cost.js',
  args: [sink, String(size.CALLS), String(size.WARMUP), String(YIELD_EVERY)],
});

// Peers as in figure 1, for scale: pino pays its write(2) inside the call, the stream only a copy.
const contenders = (size) => [
  { name: 'EventLogger', spec: spec(size, 'event-logger'), goal: true },
  { name: 'pino (sync: true)', spec: spec(size, 'pino') },
  { name: 'fs.WriteStream', spec: spec(size, 'stream') },
];

async function run(ctx) {
  const size = ctx.quick ? QUICK : FULL;
  const { CALLS, WARMUP } = size;
  const CONTENDERS = contenders(size);
  ctx.progress(
    `Figure 2: ${int(CALLS)} timed calls per run, ${CONTENDERS.length} contenders x ${ctx.runs} runs`,
  );
  const runs = await ctx.runInterleaved(
    CONTENDERS,
    (r) => `p50 ${fixed(r.p50Us)} µs, p99 ${fixed(r.p99Us)} µs, max ${fixed(r.maxUs, 0)} µs`,
  );
  const p99 = (name) => medianOf(runs[name], (r) => r.p99Us);
  const ours = p99('EventLogger');
  const peer = CONTENDERS[1].name;

  const rows = CONTENDERS.map((c) => {
    const r = runs[c.name];
    const met = c.goal ? p99(c.name) <= GOAL_P99_US : undefined;
    return [
      c.name,
      fixed(p99(c.name)),
      ...perRun(r, (x) => fixed(x.p99Us) + (x.lines === x.expectedLines ? '' : ' ⚠ lines missing')),
      fixed(medianOf(r, (x) => x.p50Us)),
      perRun(r, (x) => fixed(x.p50Us)).join(' / '),
      fixed(
        medianOf(r, (x) => x.p999Us),
        1,
      ),
      fixed(
        medianOf(r, (x) => x.maxUs),
        0,
      ),
      c.goal ? `p99 ≤ ${GOAL_P99_US} µs` : '-',
      verdict(met),
    ];
  });
  const overhead = medianOf(runs.EventLogger, (r) => r.timerOverheadUs);
  const notes = CONTENDERS.flatMap((c) => failures(c.name, runs[c.name]));

  const section = [
    `Each of ${int(CALLS)} \`log()\` calls is timed on its own with \`process.hrtime.bigint()\` read just before ` +
      `and just after the call, in a fresh child process, after ${int(WARMUP)} untimed warm-up calls (the first ` +
      'calls of a process run in the interpreter; an app that logs all day does not). Same events and same ' +
      'files as figure 1.',
    '',
    `**The loop yields with \`await new Promise(setImmediate)\` every ${int(YIELD_EVERY)} calls**, untimed: ` +
      'EventLogger writes, then publishes to the bus, in one batch per event-loop turn (setImmediate), and yielding ' +
      'lets that queue drain as it does in a real app. The time of those batches is therefore not in these samples: ' +
      'it is in figure 1 (writing; nobody subscribes there) and figure 5 (publishing).',
    '',
    `Every sample includes the cost of two clock reads: median ${fixed(overhead, 3)} µs on this machine (not subtracted).`,
    '',
    table(
      [
        'contender',
        'median p99 µs',
        ...runHeaders(ctx.runs).map((h) => `p99 ${h}`),
        'median p50 µs',
        'p50 per run',
        'p99.9 µs',
        'max µs',
        'goal',
        'result',
      ],
      rows,
    ),
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');

  const headline = [
    {
      figure: '2. Caller cost of log()',
      measure: 'p99 of one call (p50 in brackets)',
      ours: `${fixed(ours)} µs (${fixed(medianOf(runs.EventLogger, (r) => r.p50Us))})`,
      peer,
      peerFigure: `${fixed(p99(peer))} µs (${fixed(medianOf(runs[peer], (r) => r.p50Us))})`,
      ratio: ratio(ours / p99(peer)),
      goal: `p99 ≤ ${GOAL_P99_US} µs`,
      met: Number.isFinite(ours) && ours <= GOAL_P99_US,
    },
  ];

  return {
    headline,
    section,
    raw: { calls: CALLS, warmup: WARMUP, yieldEvery: YIELD_EVERY, runs },
    profile: { subject: 'the EventLogger child', spec: CONTENDERS[0].spec },
  };
}

module.exports = { id: 'fig2', title: 'Figure 2: Caller cost of log()', run };
