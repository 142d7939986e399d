'use strict';
/**
 * Figure 14, the cost of each integration on log(): the caller's time per call (p50, p99, as in
 * figure 2) and the throughput of a burst (events/s until written, as in figure 1), each
 * integration against the same run without it: `metrics: true`, a BullMQ queue captured, and
 * `OrchestratorEventsTracingModule.forRoot()` outside and inside an active span (with an
 * OpenTelemetry SDK registered on both sides, as an app that traces has it), and
 * `OrchestratorEventsTracingModule.forRoot({ logs: true })`
 * (each event an OpenTelemetry LogRecord, through the SDK's batch processor) against logs off.
 *
 * This file is also the child that measures one contender: `14-integrations.js --child <variant>
 * <calls> <warmup> <burst>` (the runner starts it like the other children).
 */
const path = require('node:path');
const { serviceUp } = require('../lib/services');

const YIELD_EVERY = 1_000;
const FULL = { CALLS: 100_000, WARMUP: 20_000, BURST: 200_000 };
// --quick: a tenth of everything.
const QUICK = { CALLS: 10_000, WARMUP: 2_000, BURST: 20_000 };
/** Goal: an integration that is enabled but has nothing to add costs the caller at most this. */
const GOAL_RATIO = 1.1;

/**
 * Each integration against the run that differs from it in that integration alone (`base`): the
 * OpenTelemetry SDK and its async context manager cost the whole process something whether or not
 * this library traces, so the tracing rows compare with the SDK registered on both sides.
 */
const VARIANTS = [
  { id: 'none', name: 'no integration (default)' },
  { id: 'metrics', name: 'metrics: true', base: 'none', goal: true },
  { id: 'bullmq', name: 'a BullMQ queue captured (Redis)', base: 'none', goal: true },
  { id: 'sdk-only', name: 'no integration, OpenTelemetry SDK registered' },
  { id: 'tracing-idle', name: 'tracing module, no active span', base: 'sdk-only', goal: true },
  { id: 'span-only', name: 'no integration, inside an active span' },
  { id: 'tracing-span', name: 'tracing module, inside an active span', base: 'span-only' },
  // The log records: the tracing module with logs off and on, a LoggerProvider registered on both.
  { id: 'logs-off', name: 'tracing module, logs off, LoggerProvider registered' },
  {
    id: 'logs-on',
    name: 'tracing module, logs: true (batch processor)',
    base: 'logs-off',
    goal: true,
    goalRatio: 1.3,
  },
];

/** An exporter that drops what it is given: the batch processor's export costs nothing here. */
const DROP_EXPORTER = {
  export: (_records, done) => done({ code: 0 }),
  shutdown: () => Promise.resolve(),
  forceFlush: () => Promise.resolve(),
};

/** The tracing module of the tracing and log-record variants, or nothing. */
function tracingModule(variant, library) {
  if (variant.startsWith('tracing-')) {
    const { OrchestratorEventsTracingModule } = require(path.join(library, 'tracing'));
    return [OrchestratorEventsTracingModule.forRoot()];
  }
  if (!variant.startsWith('logs-')) return [];
  const { logs } = require('@opentelemetry/api-logs');
  const { LoggerProvider, BatchLogRecordProcessor } = require('@opentelemetry/sdk-logs');
  const processor = new BatchLogRecordProcessor({ exporter: DROP_EXPORTER });
  logs.setGlobalLoggerProvider(new LoggerProvider({ processors: [processor] }));
  const { OrchestratorEventsTracingModule } = require(path.join(library, 'tracing'));
  return [OrchestratorEventsTracingModule.forRoot({ logs: variant === 'logs-on' })];
}

// ---------------------------------------------------------------------------------------------
// The child: one variant, in a fresh process.

async function child([variant, callsArg, warmupArg, burstArg]) {
  const { makeEvents, freshDir, report, yieldToLoop, LIBRARY } = require('../children/shared');
  const { percentile } = require('../lib/stats');
  require('reflect-metadata');
  const { Module } = require('@nestjs/common');
  const { NestFactory } = require('@nestjs/core');
  const { EventLogger, OrchestratorEventsModule } = require(LIBRARY);
  const { OrchestratorEventsBullMQModule } = require(path.join(LIBRARY, 'bullmq'));
  const { OrchestratorEventsMetricsModule } = require(path.join(LIBRARY, 'metrics'));
  const calls = Number(callsArg);
  const warmup = Number(warmupArg);
  const burst = Number(burstArg);

  // An app that traces registers an SDK and a context manager; so do the variants that trace.
  let tracer;
  if (variant !== 'none' && variant !== 'metrics' && variant !== 'bullmq') {
    const { context, trace } = require('@opentelemetry/api');
    const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
    const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const provider = new BasicTracerProvider();
    trace.setGlobalTracerProvider(provider);
    tracer = provider.getTracer('bench');
  }
  const queue = `orch-bench-${process.pid}`;
  const dir = freshDir();
  const logFile = path.join(dir, 'events.log');
  class BenchModule {}
  Module({
    imports: [
      OrchestratorEventsModule.forRoot({
        logFile,
        maxSize: '10m',
        maxFiles: 5,
        env: {},
        controller: false,
      }),
      ...(variant === 'metrics' ? [OrchestratorEventsMetricsModule.forRoot()] : []),
      ...(variant === 'bullmq'
        ? [
            OrchestratorEventsBullMQModule.forRoot({
              queues: [queue],
              connection: 'redis://127.0.0.1:6379',
            }),
          ]
        : []),
      ...tracingModule(variant, LIBRARY),
    ],
  })(BenchModule);
  const app = await NestFactory.createApplicationContext(BenchModule, {
    logger: ['error', 'warn'],
  });
  const logger = app.get(EventLogger);
  const events = makeEvents(warmup + calls + burst);

  const measure = async () => {
    for (let i = 0; i < warmup; i++) {
      logger.log(events[i]);
      if ((i + 1) % YIELD_EVERY === 0) await yieldToLoop();
    }
    await logger.flush();
    const ns = new Float64Array(calls);
    for (let i = 0; i < calls; i++) {
      const event = events[warmup + i];
      const t0 = process.hrtime.bigint();
      logger.log(event);
      ns[i] = Number(process.hrtime.bigint() - t0);
      if ((i + 1) % YIELD_EVERY === 0) await yieldToLoop();
    }
    await logger.flush();
    // Throughput: a burst as fast as the caller can log, yielding as an app does, until written.
    const start = process.hrtime.bigint();
    for (let i = 0; i < burst; i++) {
      logger.log(events[warmup + calls + i]);
      if ((i + 1) % YIELD_EVERY === 0) await yieldToLoop();
    }
    await logger.flush();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { ns, eventsPerSec: burst / seconds };
  };
  // Inside a span: the whole run, across its yields, is in one active span, as a traced job is.
  const { ns, eventsPerSec } =
    variant === 'tracing-span' || variant === 'span-only'
      ? await tracer.startActiveSpan('bench', async (span) => {
          try {
            return await measure();
          } finally {
            span.end();
          }
        })
      : await measure();

  // Written, counted by the writer (the oldest of the 64 MB logged have been rotated away).
  const lines = logger.stats().written;
  const sample = require('node:fs').readFileSync(logFile, 'utf8').split('\n').at(-2) ?? '';
  await app.close();
  if (variant === 'bullmq') {
    const Redis = require('ioredis');
    const redis = new Redis('redis://127.0.0.1:6379');
    const keys = await redis.keys(`bull:${queue}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
  require('node:fs').rmSync(dir, { recursive: true, force: true });
  const sorted = ns.slice().sort();
  report({
    variant,
    calls,
    p50Us: percentile(sorted, 50) / 1000,
    p99Us: percentile(sorted, 99) / 1000,
    p999Us: percentile(sorted, 99.9) / 1000,
    eventsPerSec,
    lines,
    expectedLines: warmup + calls + burst,
    // Whether the last line carries trace ids: the tracing-in-span variant must, the others not.
    traced: sample.includes('"trace_id"'),
  });
}

if (require.main === module && process.argv[2] === '--child') {
  require('../children/shared').runMain(() => child(process.argv.slice(3)));
}

// ---------------------------------------------------------------------------------------------
// The figure.

async function run(ctx) {
  const { table, verdict } = require('../lib/markdown');
  const { medianOf, perRun, failures } = require('../lib/runs');
  const { int, fixed, ratio } = require('../lib/stats');
  const size = ctx.quick ? QUICK : FULL;
  const withRedis = serviceUp(6379);
  const variants = VARIANTS.filter((v) => v.id !== 'bullmq' || withRedis);
  const contenders = variants.map((v) => ({
    ...v,
    spec: {
      script: '../figures/14-integrations.js',
      args: ['--child', v.id, String(size.CALLS), String(size.WARMUP), String(size.BURST)],
    },
  }));
  ctx.progress(
    `Figure 14: ${int(size.CALLS)} timed calls and a burst of ${int(size.BURST)} per run, ` +
      `${contenders.length} contenders x ${ctx.runs} runs${withRedis ? '' : ' (no Redis: BullMQ left out)'}`,
  );
  const runs = await ctx.runInterleaved(
    contenders,
    (r) =>
      `p50 ${fixed(r.p50Us)} µs, p99 ${fixed(r.p99Us)} µs, ${int(r.eventsPerSec)} events/s` +
      (r.traced ? ', trace ids on the lines' : ''),
  );
  const p50 = (name) => medianOf(runs[name], (r) => r.p50Us);
  const p99 = (name) => medianOf(runs[name], (r) => r.p99Us);
  const rate = (name) => medianOf(runs[name], (r) => r.eventsPerSec);
  const nameOf = (id) => contenders.find((c) => c.id === id)?.name;
  const baseOf = (c) => (c.base === undefined ? undefined : nameOf(c.base));
  const goalOf = (c) => c.goalRatio ?? GOAL_RATIO;
  const met = (c) => p50(c.name) / p50(baseOf(c)) <= goalOf(c);

  const rows = contenders.map((c) => {
    const base = baseOf(c);
    return [
      c.name,
      fixed(p50(c.name)),
      fixed(p99(c.name)),
      perRun(runs[c.name], (x) => `${fixed(x.p50Us)} / ${fixed(x.p99Us)}`).join('; '),
      int(rate(c.name)),
      base === undefined ? '-' : base,
      base === undefined ? '-' : ratio(p50(c.name) / p50(base)),
      base === undefined ? '-' : ratio(p99(c.name) / p99(base)),
      base === undefined ? '-' : ratio(rate(c.name) / rate(base)),
      perRun(runs[c.name], (x) => (x.lines === x.expectedLines ? 'yes' : `⚠ ${x.lines}`)).join(
        ' / ',
      ),
      c.goal ? `p50 ≤ ${goalOf(c)}× its baseline` : '-',
      verdict(c.goal ? met(c) : undefined),
    ];
  });
  const notes = contenders.flatMap((c) => failures(c.name, runs[c.name]));
  const section = [
    `Each contender is a fresh child process with the library as an app builds it (figure 2's ` +
      `method): ${int(size.WARMUP)} untimed warm-up calls, ${int(size.CALLS)} \`log()\` calls timed ` +
      `one by one with \`process.hrtime.bigint()\`, yielding every ${int(YIELD_EVERY)} calls, then a ` +
      `burst of ${int(size.BURST)} events timed until \`flush()\` says they are written (events/s). ` +
      'Each integration is compared with the run that differs from it in that integration alone: ' +
      'the OpenTelemetry rows register the SDK (`BasicTracerProvider`, no exporter) and ' +
      '`AsyncLocalStorageContextManager` on both sides, as a traced app has them (that context ' +
      'manager slows every promise of the process, traced or not), and "inside an active span" runs ' +
      'every call in one span. Inside a span, the tracing module adds `trace_id` and `span_id` to each ' +
      'line (about 80 bytes). The BullMQ capture reads an idle queue; it has no hook in `log()`. ' +
      'The log-record rows register a LoggerProvider with a `BatchLogRecordProcessor` (its ' +
      'exporter drops the batches) on both sides; "logs: true" builds and hands one LogRecord per ' +
      'event to it inside `log()`, the export happens later, off the caller. ' +
      'The Terminus indicator is read when a health check asks and metrics when Prometheus scrapes ' +
      '(`collect()`): neither adds anything to `log()` but the per-level count, one increment ' +
      'every call pays.',
    '',
    table(
      [
        'contender',
        'median p50 µs',
        'median p99 µs',
        'p50 / p99 per run',
        'events/s (burst)',
        'baseline',
        'p50 ÷ baseline',
        'p99 ÷ baseline',
        'events/s ÷ baseline',
        'every line written',
        'goal',
        'result',
      ],
      rows,
    ),
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');

  const headline = contenders
    .filter((c) => c.goal)
    .map((c) => {
      const base = baseOf(c);
      return {
        figure: '14. Integrations on log()',
        measure: `${c.name}: p50 of one call (p99, events/s)`,
        ours: `${fixed(p50(c.name))} µs (${fixed(p99(c.name))}, ${int(rate(c.name))}/s)`,
        peer: base,
        peerFigure: `${fixed(p50(base))} µs (${fixed(p99(base))}, ${int(rate(base))}/s)`,
        ratio: ratio(p50(c.name) / p50(base)),
        goal: `p50 ≤ ${goalOf(c)}×`,
        met: Number.isFinite(p50(c.name) / p50(base)) && met(c),
      };
    });
  return {
    headline,
    section,
    raw: { size, yieldEvery: YIELD_EVERY, runs },
    profile: {
      subject: 'the tracing-in-span child',
      spec: contenders.find((c) => c.id === 'tracing-span').spec,
    },
  };
}

module.exports = { id: 'fig14', title: 'Figure 14: Integrations on log()', run };
