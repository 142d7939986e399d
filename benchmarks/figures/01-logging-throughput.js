'use strict';
/**
 * Figure 1, logging throughput: 200,000 events of the seed's shape through EventLogger and its
 * peers, each into a fresh directory, from the first log() until every byte is written.
 */
const { table, verdict } = require('../lib/markdown');
const { medianOf, perRun, runHeaders, failures } = require('../lib/runs');
const { int, fixed, ratio } = require('../lib/stats');
const { STABLE_MS } = require('../children/sinks/winston');

const FULL_EVENTS = 200_000;
// --quick: a tenth; the run is then mostly JIT warm-up, which is why its numbers are no result.
const QUICK_EVENTS = 20_000;
const YIELD_EVERY = 1_000;

const spec = (sink, events) => ({
  script: 'throughput.js',
  args: [sink, String(events), String(YIELD_EVERY)],
});

const contenders = (events) => [
  { name: 'EventLogger', spec: spec('event-logger', events) },
  {
    name: 'pino',
    spec: spec('pino', events),
    goal: 1.0,
    how: '`pino.destination({ dest, sync: true })`',
  },
  {
    name: 'winston + daily-rotate-file',
    spec: spec('winston', events),
    how: "`format.json()`, winston-daily-rotate-file `maxSize: '10m', maxFiles: 5`",
  },
  {
    name: 'fs.WriteStream',
    spec: spec('stream', events),
    goal: 0.8,
    how: '`fs.createWriteStream(file, { highWaterMark: 1 MiB })`, `JSON.stringify(obj) + "\\n"`',
  },
];

async function run(ctx) {
  const EVENTS = ctx.quick ? QUICK_EVENTS : FULL_EVENTS;
  const CONTENDERS = contenders(EVENTS);
  ctx.progress(
    `Figure 1: ${int(EVENTS)} events per run, ${CONTENDERS.length} contenders x ${ctx.runs} runs`,
  );
  const runs = await ctx.runInterleaved(
    CONTENDERS,
    (r) =>
      `${int(r.eventsPerSec)} events/s, ${fixed(r.seconds, 3)} s, ${int(r.lines)} lines on disk`,
  );
  const rate = (name) => medianOf(runs[name], (r) => r.eventsPerSec);
  const ours = rate('EventLogger');

  const rows = CONTENDERS.map((c) => {
    const r = runs[c.name];
    const vsThis = ours / rate(c.name);
    const met = c.goal === undefined ? undefined : vsThis >= c.goal;
    return [
      c.name,
      int(rate(c.name)),
      ...perRun(
        r,
        (x) => int(x.eventsPerSec) + (x.lines === EVENTS ? '' : ` ⚠ ${int(x.lines)} lines`),
      ),
      fixed(
        medianOf(r, (x) => x.seconds),
        3,
      ),
      fixed(
        medianOf(r, (x) => x.bytesPerEvent),
        0,
      ),
      int(medianOf(r, (x) => x.maxRssMiB)),
      c.name === 'EventLogger' ? '-' : ratio(vsThis),
      c.goal === undefined ? '-' : `≥ ${fixed(c.goal, 1)}×`,
      verdict(met),
    ];
  });

  const headline = CONTENDERS.filter((c) => c.goal !== undefined).map((c) => {
    const vsThis = ours / rate(c.name);
    return {
      figure: '1. Logging throughput',
      measure: `events/s, EventLogger ÷ ${c.name}`,
      ours: `${int(ours)} events/s`,
      peer: c.name,
      peerFigure: `${int(rate(c.name))} events/s`,
      ratio: ratio(vsThis),
      goal: `≥ ${fixed(c.goal, 1)}×`,
      met: Number.isFinite(vsThis) ? vsThis >= c.goal : false,
    };
  });

  const notes = CONTENDERS.flatMap((c) => failures(c.name, runs[c.name]));
  const section = [
    `${int(EVENTS)} events of the seed's shape (\`event\`, \`task_id\` from 1,000 values, \`run_id\` from 100, ` +
      '`status`, `message`, `duration_ms`), built before the clock starts, identical for every contender. ' +
      `Each run is a fresh child process writing into a fresh temp directory. Once the contender is open, two full ` +
      "garbage collections settle the heap before the clock starts: the setup's garbage (the events built, " +
      "Nest's bootstrap, loading the library) is no contender's logging, and its collection landed " +
      'inside the window of the contenders with a heavy setup only. The loop yields ' +
      `(\`await new Promise(setImmediate)\`) every ${int(YIELD_EVERY)} events as an app does between jobs. ` +
      'The clock runs from the first `log()` until the contender has written every byte:',
    '',
    "- **EventLogger**: `OrchestratorEventsModule.forRoot({ logFile, maxSize: '10m', maxFiles: 5, env: {} })` " +
      'in a Nest application context; until `flush()` resolves (its writer uses `writeSync`, so the bytes are written then).',
    ...CONTENDERS.filter((c) => c.how).map((c) => `- **${c.name}**: ${c.how}; ${doneText(c.name)}`),
    '',
    '"Written" means handed to the kernel by write(2); no contender calls fsync. After each run the child counts ' +
      `the lines in every file of the directory: a ⚠ marks a run that did not find all ${int(EVENTS)}.`,
    '',
    table(
      [
        'contender',
        'median events/s',
        ...runHeaders(ctx.runs),
        'median s',
        'bytes/event',
        'peak RSS MiB',
        'EventLogger ÷ this',
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
    raw: { events: EVENTS, yieldEvery: YIELD_EVERY, runs },
    // What to profile when a goal is missed: one more EventLogger run.
    profile: { subject: 'the EventLogger child', spec: CONTENDERS[0].spec },
  };
}

function doneText(name) {
  if (name === 'pino')
    return 'every call writes with `writeSync` before returning, so the clock stops after the last call.';
  if (name === 'fs.WriteStream') return "until `end()`'s callback ('finish': every chunk written).";
  return (
    "`logger.end()`, then the transport's `'finish'` (which fires before its file stream has written " +
    'everything), then the total size of the log files is polled every 2 ms; the clock stops at the first ' +
    `poll that saw the final size (confirmed by ${STABLE_MS} ms without change, not counted).`
  );
}

module.exports = { id: 'fig1', title: 'Figure 1: Logging throughput', run };
