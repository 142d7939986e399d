'use strict';
/**
 * Figure 12, growth of log() throughput with live subscribers: figure 1's EventLogger run (same
 * events, same child) with 0, 10 and 10,000 subscribers on the library's bus, each filtered to one
 * task_id as an SSE stream would be; against figure 1's fs.WriteStream, which has no bus at all.
 * The question: does a busy dashboard slow down the code that logs?
 */
const { table } = require('../lib/markdown');
const { medianOf, perRun, runHeaders, failures, seriesOf } = require('../lib/runs');
const { int, fixed, ratio } = require('../lib/stats');
const { lineChart, writeChart } = require('../lib/svg-chart');

const SUBSCRIBERS = [0, 10, 10_000];
const FULL_EVENTS = 200_000;
// --quick: a tenth of the events; the subscriber counts stay (subscribing is cheap).
const QUICK_EVENTS = 20_000;
const YIELD_EVERY = 1_000;
const TASK_IDS = 1_000;

const spec = (events, sink, subscribers = 0) => ({
  script: 'throughput.js',
  args: [sink, String(events), String(YIELD_EVERY), String(subscribers)],
});

const ours = (n) => `EventLogger, ${int(n)} subscribers`;
const REFERENCE = 'fs.WriteStream (no bus)';

/** 0 cannot sit on a log axis: it is drawn at 1 and labelled 0. */
const axisX = (n) => (n === 0 ? 1 : n);

async function run(ctx) {
  const EVENTS = ctx.quick ? QUICK_EVENTS : FULL_EVENTS;
  const contenders = [
    ...SUBSCRIBERS.map((n) => ({ name: ours(n), spec: spec(EVENTS, 'event-logger', n) })),
    { name: REFERENCE, spec: spec(EVENTS, 'stream') },
  ];
  ctx.progress(
    `Figure 12: ${int(EVENTS)} events per run, EventLogger with ${SUBSCRIBERS.map(int).join(' / ')} ` +
      `subscribers and fs.WriteStream, x ${ctx.runs} runs`,
  );
  const runs = await ctx.runInterleaved(
    contenders,
    (r) =>
      `${int(r.eventsPerSec)} events/s, ${fixed(r.seconds, 3)} s` +
      (r.deliveries ? `, ${int(r.deliveries.delivered)} deliveries` : ''),
  );
  const rate = (name) => medianOf(runs[name], (r) => r.eventsPerSec);
  const none = rate(ours(0));
  const most = rate(ours(SUBSCRIBERS[SUBSCRIBERS.length - 1]));
  const reference = rate(REFERENCE);

  const svg = lineChart({
    title: `log() throughput with live subscribers (${int(EVENTS)} events per run)`,
    xLabel: 'subscribers on the bus, each filtered to one task_id (log scale; 0 drawn at 1)',
    yLabel: 'events per second (median)',
    xFormat: (x) => (x === 1 ? '0' : int(x)),
    yFormat: (y) => (y >= 10_000 ? `${int(y / 1000)}k` : int(y)),
    series: [
      {
        name: 'EventLogger.log(): file + bus',
        points: SUBSCRIBERS.map((n) => ({ x: axisX(n), y: rate(ours(n)) })),
      },
      {
        name: "fs.WriteStream, no bus (figure 1's practical limit, for scale)",
        dashed: true,
        points: SUBSCRIBERS.map((n) => ({ x: axisX(n), y: reference })),
      },
    ],
    note: `Median of ${ctx.runs} run(s) each; ${ctx.quick ? 'QUICK MODE sizes, not a result. ' : ''}higher is better.`,
  });
  const chart = writeChart(ctx.chartsDir, 'growth-logging', svg, 'log() throughput by subscribers');

  const rows = contenders.map((c) => {
    const r = runs[c.name];
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
      int(medianOf(r, (x) => x.deliveries?.delivered)),
      int(medianOf(r, (x) => x.maxRssMiB)),
      ratio(rate(c.name) / none),
    ];
  });
  const notes = contenders.flatMap((c) => failures(c.name, runs[c.name]));

  const section = [
    `Figure 1's child (\`throughput.js\`, the same ${int(EVENTS)} events, yielding every ${int(YIELD_EVERY)}, two full GCs before ` +
      "the clock) with the library's sink, after `app.get(EventBus).subscribe({ task_id }, listener)` for each of N subscribers, " +
      `subscriber *i* on \`task-(i mod ${int(TASK_IDS)})\`: with 10 subscribers about 1% of the events go to one of them, ` +
      `with 10,000 every event goes to 10 (${int(EVENTS * 10)} deliveries per run). The listener only counts. The clock stops when ` +
      '`flush()` has resolved and every subscriber has had every event of its task (the child counts what each event should reach ' +
      "with one `Map` lookup per `log()`, inside the clock, in the runs with subscribers). `fs.WriteStream` is figure 1's " +
      'practical limit (no bus, no envelope), drawn flat as the yardstick.',
    '',
    chart,
    '',
    table(
      [
        'contender',
        'median events/s',
        ...runHeaders(ctx.runs),
        'median s',
        'deliveries',
        'peak RSS MiB',
        '÷ no subscribers',
      ],
      rows,
    ),
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');

  const headline = [
    {
      figure: '12. Growth: logging with subscribers',
      measure: `log() events/s with ${int(SUBSCRIBERS[SUBSCRIBERS.length - 1])} filtered subscribers ÷ with none`,
      ours: `${int(most)} events/s`,
      peer: 'EventLogger, no subscribers',
      peerFigure: `${int(none)} events/s`,
      ratio: ratio(most / none),
      goal: '- (the curve)',
      met: undefined,
    },
  ];

  return {
    headline,
    section,
    raw: {
      events: EVENTS,
      subscribers: SUBSCRIBERS,
      series: seriesOf(
        runs,
        SUBSCRIBERS.map((n) => [n, ours(n)]),
        (r) => r.eventsPerSec,
      ),
      runs,
    },
    profile: {
      subject: `the EventLogger child with ${int(SUBSCRIBERS[SUBSCRIBERS.length - 1])} subscribers`,
      spec: contenders[SUBSCRIBERS.length - 1].spec,
    },
  };
}

module.exports = { id: 'fig12', title: 'Figure 12: Growth of logging with subscribers', run };
