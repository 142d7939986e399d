import { DynamicModule } from '@nestjs/common';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { setTimeout as sleep } from 'node:timers/promises';
import { useOtelApp } from '../testing/otel-app';
import { readEvents } from '../testing/temp-dir';
import { OrchestratorEventsTracingModule } from './orchestrator-events-tracing.module';

/** With OpenTelemetry's own SDK: real spans, exported to memory, a real async context manager. */
describe('OrchestratorEventsTracingModule: trace ids and spans (OpenTelemetry)', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('test');
  const app = useOtelApp(
    {
      install: () => trace.setGlobalTracerProvider(provider),
      shutdown: () => provider.shutdown(),
      uninstall: () => trace.disable(),
    },
    () => exporter.reset(),
  );
  /** The core, and the tracing module when given (no tracing module: no tracer at all). */
  const start = (tracing: DynamicModule | undefined) =>
    app.start({}, tracing === undefined ? [] : [tracing]);

  async function logged() {
    await app.events.flush();
    return readEvents(app.file);
  }

  it('stamps trace_id and span_id of the active span, across awaits; none outside a span', async () => {
    await start(OrchestratorEventsTracingModule.forRoot());
    let ids: { traceId: string; spanId: string } | undefined;
    await tracer.startActiveSpan('render', async (span) => {
      ids = span.spanContext();
      app.events.info('step_one', { task_id: 't1' });
      await sleep(5);
      app.events.warn('step_two');
      span.end();
    });
    app.events.info('outside');
    const [one, two, outside] = (await logged()).filter(
      (e) => e['event'] !== 'orchestrator_started',
    );
    expect(one).toMatchObject({ trace_id: ids?.traceId, span_id: ids?.spanId, task_id: 't1' });
    expect(two).toMatchObject({ trace_id: ids?.traceId, span_id: ids?.spanId });
    expect(one['trace_id']).toMatch(/^[0-9a-f]{32}$/);
    expect(one['span_id']).toMatch(/^[0-9a-f]{16}$/);
    expect(outside).not.toHaveProperty('trace_id');
    expect(outside).not.toHaveProperty('span_id');
    // Parallel spans never mix.
    await Promise.all(
      ['a', 'b'].map((name) =>
        tracer.startActiveSpan(name, async (span) => {
          await sleep(name === 'a' ? 5 : 1);
          app.events.info(`in_${name}`);
          span.end();
          return span.spanContext().spanId;
        }),
      ),
    );
    const spans = new Map(exporter.getFinishedSpans().map((s) => [s.name, s.spanContext().spanId]));
    const all = await logged();
    expect(all.find((e) => e['event'] === 'in_a')?.['span_id']).toBe(spans.get('a'));
    expect(all.find((e) => e['event'] === 'in_b')?.['span_id']).toBe(spans.get('b'));
  });

  it("keeps the caller's own trace_id, and opens no span for track() unless asked", async () => {
    await start(OrchestratorEventsTracingModule.forRoot());
    await tracer.startActiveSpan('outer', async (span) => {
      app.events.info('mine', { trace_id: 'given' });
      await app.events.track('job', { task_id: 't2' }, async () => 'ok');
      span.end();
    });
    const all = await logged();
    expect(all.find((e) => e['event'] === 'mine')?.['trace_id']).toBe('given');
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['outer']);
  });

  it('spans: true (here from forRootAsync) runs each track() in a span named after the step', async () => {
    await start(
      OrchestratorEventsTracingModule.forRootAsync({ useFactory: async () => ({ spans: true }) }),
    );
    await app.events.track('job', { task_id: 't3', run_id: 'r3' }, async () => {
      app.events.info('job_step');
      return 42;
    });
    await expect(
      app.events.track('upload', { task_id: 't4' }, async () => {
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    const [job, upload] = exporter.getFinishedSpans();
    expect(job.name).toBe('job');
    expect(job.attributes).toEqual({
      'orchestrator.task_id': 't3',
      'orchestrator.run_id': 'r3',
    });
    expect(upload.name).toBe('upload');
    expect(upload.status).toEqual({ code: SpanStatusCode.ERROR, message: 'disk full' });
    expect(upload.events.map((e) => e.name)).toEqual(['exception']);
    const all = await logged();
    const spanIdOf = (name: string) => all.find((e) => e['event'] === name)?.['span_id'];
    for (const name of ['job_started', 'job_step', 'job_completed']) {
      expect(spanIdOf(name)).toBe(job.spanContext().spanId);
    }
    expect(spanIdOf('upload_failed')).toBe(upload.spanContext().spanId);
  });

  it('without the tracing module, events carry no ids even inside a span', async () => {
    await start(undefined);
    await tracer.startActiveSpan('render', async (span) => {
      app.events.info('inside');
      span.end();
    });
    const inside = (await logged()).find((e) => e['event'] === 'inside');
    expect(inside).toBeDefined();
    expect(inside).not.toHaveProperty('trace_id');
  });
});
