'use strict';
/**
 * Figure 5, routing cost: one MemoryEventBus.publish() with 10 and with 10,000 subscribers, each
 * filtered to its own task_id, the event going to one of them. Flat cost means the bus indexes
 * subscribers instead of testing every filter.
 */
const { table, verdict } = require('../lib/markdown');
const { medianOf, perRun, runHeaders, failures } = require('../lib/runs');
const { int, fixed, ratio } = require('../lib/stats');

const FEW = 10;
const MANY = 10_000;
const FULL_MEASURE_MS = 1_000;
// --quick: a fifth of the publishing time; the subscriber counts stay (subscribing is cheap).
const QUICK_MEASURE_MS = 200;
const GOAL_RATIO = 2;

const BUSES = [
  { kind: 'memory', name: 'MemoryEventBus', goal: true },
  // The usual hand-rolled alternative, for scale: one Subject, a filter() per subscriber.
  { kind: 'rxjs', name: 'RxJS Subject + filter()' },
];

const contenderFor = (measureMs) => (bus, subscribers) => ({
  name: `${bus.name}, ${int(subscribers)} subscribers`,
  spec: { script: 'routing.js', args: [bus.kind, String(subscribers), String(measureMs)] },
});

async function run(ctx) {
  const MEASURE_MS = ctx.quick ? QUICK_MEASURE_MS : FULL_MEASURE_MS;
  const contender = contenderFor(MEASURE_MS);
  const contenders = BUSES.flatMap((bus) => [contender(bus, FEW), contender(bus, MANY)]);
  ctx.progress(
    `Figure 5: ${contenders.length} contenders x ${ctx.runs} runs, ~${MEASURE_MS} ms of publishing each`,
  );
  const runs = await ctx.runInterleaved(
    contenders,
    (r) => `${fixed(r.nsPerPublish, 1)} ns/publish over ${int(r.published)} publishes`,
  );
  const ns = (bus, subs) => medianOf(runs[contender(bus, subs).name], (r) => r.nsPerPublish);

  const costRows = contenders.map((c) => [
    c.name,
    fixed(
      medianOf(runs[c.name], (r) => r.nsPerPublish),
      1,
    ),
    ...perRun(
      runs[c.name],
      (r) => fixed(r.nsPerPublish, 1) + (r.delivered === r.published ? '' : ' ⚠'),
    ),
    fixed(
      medianOf(runs[c.name], (r) => r.meanNsPerPublish),
      1,
    ),
    int(medianOf(runs[c.name], (r) => r.published)),
  ]);

  const ratioRows = BUSES.map((bus) => {
    const value = ns(bus, MANY) / ns(bus, FEW);
    const perRunRatios = runs[contender(bus, MANY).name].map((many, i) => {
      const few = runs[contender(bus, FEW).name][i];
      return many.result && few.result
        ? ratio(many.result.nsPerPublish / few.result.nsPerPublish)
        : 'failed';
    });
    return [
      bus.name,
      fixed(ns(bus, FEW), 1),
      fixed(ns(bus, MANY), 1),
      ratio(value),
      perRunRatios.join(' / '),
      bus.goal ? `≤ ${GOAL_RATIO}×` : '-',
      verdict(bus.goal ? value <= GOAL_RATIO : undefined),
    ];
  });

  const ours = ns(BUSES[0], MANY) / ns(BUSES[0], FEW);
  const peer = ns(BUSES[1], MANY) / ns(BUSES[1], FEW);
  const headline = [
    {
      figure: '5. Routing cost',
      measure: `ns per publish, ${int(MANY)} ÷ ${FEW} subscribers`,
      ours: `${fixed(ns(BUSES[0], FEW), 0)} → ${fixed(ns(BUSES[0], MANY), 0)} ns: ${ratio(ours)}`,
      peer: BUSES[1].name,
      peerFigure: `${fixed(ns(BUSES[1], FEW), 0)} → ${int(ns(BUSES[1], MANY))} ns: ${ratio(peer)}`,
      ratio: ratio(ours),
      goal: `≤ ${GOAL_RATIO}×`,
      met: Number.isFinite(ours) && ours <= GOAL_RATIO,
    },
  ];

  const notes = contenders.flatMap((c) => failures(c.name, runs[c.name]));
  const section = [
    `Subscribers each filtered to a distinct \`task_id\` (\`bus.subscribe({ task_id }, listener)\`); ` +
      '10,000 pre-built events (`EventLineBuilder`, the library defaults) cycle through those task ids, so every ' +
      'publish reaches exactly one subscriber (checked: a ⚠ marks a run where deliveries ≠ publishes). The ' +
      `child publishes for ${MEASURE_MS / 4} ms untimed (warm-up), then for ${MEASURE_MS} ms timed in slices of ` +
      '50 ms (clock read once per batch of ~0.1 ms); a run reports its median slice (ns ÷ publishes), so a ' +
      'moment when another process took the CPU counts once. The listener only counts. A publish includes ' +
      "the write into the bus's replay buffer.",
    '',
    table(
      [
        'bus',
        'median ns/publish',
        ...runHeaders(ctx.runs),
        'mean over all slices',
        'publishes per run',
      ],
      costRows,
    ),
    '',
    table(
      [
        'bus',
        `${FEW} subscribers ns`,
        `${int(MANY)} subscribers ns`,
        'ratio',
        'ratio per run',
        'goal',
        'result',
      ],
      ratioRows,
    ),
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');

  return {
    headline,
    section,
    raw: { few: FEW, many: MANY, measureMs: MEASURE_MS, runs },
    profile: {
      subject: 'the MemoryEventBus child (10,000 subscribers)',
      spec: contender(BUSES[0], MANY).spec,
    },
  };
}

module.exports = { id: 'fig5', title: 'Figure 5: Routing cost', run };
