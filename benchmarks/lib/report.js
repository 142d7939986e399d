'use strict';
/** Renders RESULTS.md from the machine facts and what each figure returned. */
const { table, verdict } = require('./markdown');
const { fixed } = require('./stats');

function render({ machine, figures, totalSeconds, partial, quick }) {
  const headline = figures.flatMap((f) => f.headline ?? []);
  const runs = [...new Set(figures.map((f) => f.runs))].join(' or ');
  const tooFew = figures.filter((f) => f.runs < 3).map((f) => f.id);
  const lines = [
    quick ? '# Benchmark smoke test (`--quick`)' : '# Benchmark results',
    '',
    ...(quick
      ? [
          '**Quick mode: every figure at small sizes, one run each. These are not the figures: goals are ' +
            'stated for the full sizes, so a missed goal here means nothing; a failed figure or child does.**',
          '',
        ]
      : []),
    `Written by \`npm run bench${quick ? ' -- --quick' : ''}\` (benchmarks/run.js) on ${machine.date}; do not edit by hand, run it again.`,
    `Every contender runs in its own child process, runs interleaved (A, B, C, A, B, C, ...), ${runs} runs ` +
      `each; every figure is the median of those runs. The whole bench took ${fixed(totalSeconds, 0)} s.`,
    ...(partial
      ? ['', `**Partial run**: only ${figures.map((f) => f.id).join(', ')} (\`--only\`).`]
      : []),
    ...(tooFew.length
      ? ['', `**Fewer than 3 runs per contender in ${tooFew.join(', ')}: not a valid result.**`]
      : []),
    '',
    '## Machine',
    '',
    table(
      ['CPU', 'cores', 'memory', 'OS', 'Node', 'date (UTC)', 'commit', 'load average'],
      [
        [
          machine.cpu,
          machine.cores,
          `${fixed(machine.memoryGiB, 1)} GiB`,
          machine.os,
          machine.node,
          machine.date,
          `${machine.commit ?? 'n/a'}${machine.libsModified ? ' + uncommitted changes in libs/' : ''}`,
          `${machine.loadAtStart} at start, ${figures.map((f) => f.loadAtEnd).join(', ')} after each figure`,
        ],
      ],
    ),
    '',
    `A 1-minute load average above ${machine.cores} means other processes competed for the CPU during the run; ` +
      'the interleaving spreads that over all contenders, but absolute figures then read low.',
    '',
    '## Headline',
    '',
    table(
      [
        'figure',
        'measure',
        'orchestrator-events',
        'peer',
        "peer's figure",
        'ratio',
        'goal',
        'result',
      ],
      headline.map((h) => [
        h.figure,
        h.measure,
        h.ours,
        h.peer,
        h.peerFigure,
        h.ratio,
        h.goal,
        verdict(h.met),
      ]),
    ),
    '',
    "Ratio: this library's figure ÷ the peer's (events/s: higher is better; µs: lower is better), except " +
      'for routing, where it is the cost with many subscribers ÷ the cost with few (the goal is about flatness).',
  ];
  for (const figure of figures) {
    lines.push('', `## ${figure.title}`, '');
    if (figure.error) {
      lines.push(`**The figure failed**: \`${figure.error.split('\n')[0]}\``);
      continue;
    }
    if (quick && figure.failedRuns) {
      lines.push(
        `**${figure.failedRuns} child run(s) failed** (see the notes under the table).`,
        '',
      );
    }
    lines.push(figure.section);
    if (figure.profileMarkdown) lines.push('', figure.profileMarkdown);
    lines.push(
      '',
      `_Figure took ${fixed(figure.seconds, 0)} s; load average after it: ${figure.loadAtEnd}._`,
    );
  }
  lines.push(
    '',
    '## Reproduce',
    '',
    '```bash',
    'npm ci && npm run bench    # options: --runs N, --only fig1,fig5, --profile (always profile)',
    '```',
    '',
    'Raw numbers of every run: `benchmarks/results/*.json` (git-ignored).',
    '',
  );
  return lines.join('\n');
}

module.exports = { render };
