import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { useOtelApp } from '../testing/otel-app';
import { readEvents } from '../testing/temp-dir';
import { OrchestratorEventsTracingModule } from './orchestrator-events-tracing.module';
import { OrchestratorEventsTracingOptions } from './tracing.options';

/** With OpenTelemetry's own SDKs: log records exported to memory, real spans, a real context manager. */
describe('OrchestratorEventsTracingModule: events as OpenTelemetry log records', () => {
  const exporter = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const tracer = new BasicTracerProvider().getTracer('test');
  const app = useOtelApp(
    {
      install: () => logs.setGlobalLoggerProvider(loggerProvider),
      shutdown: () => loggerProvider.shutdown(),
      uninstall: () => logs.disable(),
    },
    () => exporter.reset(),
  );
  const start = (options: OrchestratorEventsTracingOptions) =>
    app.start({ orchId: 'o-logs', redactKeys: ['password'] }, [
      OrchestratorEventsTracingModule.forRoot(options),
    ]);

  /**
   * The records so far, but the library's own start and stop events (a closed module's stop may
   * land after the next test's reset): they are made at the end of the turn of their log() calls.
   */
  async function records() {
    await new Promise((resolve) => setImmediate(resolve));
    return exporter
      .getFinishedLogRecords()
      .filter((r) => !String(r.attributes['event']).startsWith('orchestrator_'));
  }

  it('one record per event: severity, body, attributes, extras flattened, in the active span', async () => {
    await start({ logs: true });
    let spanIds: { traceId: string; spanId: string } | undefined;
    tracer.startActiveSpan('job', (span) => {
      spanIds = span.spanContext();
      app.events.withContext({ task_id: 't1', run_id: 'r1' }, () =>
        app.events.warn('frame_slow', {
          status: 'running',
          message: 'frame 3 took 4 s',
          frame: 3,
          render: { engine: 'cycles', samples: [1, 2] },
          password: 'hunter2',
          long: 'x'.repeat(5000),
        }),
      );
      span.end();
    });
    const id = app.events.error('job_failed', { error: new Error('disk full') });
    // Not on the caller's time: made at the end of the turn.
    expect(
      exporter
        .getFinishedLogRecords()
        .filter((r) => r.attributes['event'] !== 'orchestrator_stopped'),
    ).toHaveLength(0);
    const all = await records();
    expect(all).toHaveLength(2);
    const [slow, failed] = all;
    expect(slow.severityNumber).toBe(SeverityNumber.WARN);
    expect(slow.severityText).toBe('WARNING');
    expect(slow.body).toBe('frame 3 took 4 s');
    await app.events.flush();
    const line = readEvents(app.file).find((e) => e['event'] === 'frame_slow');
    expect(slow.attributes).toEqual({
      event: 'frame_slow',
      task_id: 't1',
      run_id: 'r1',
      status: 'running',
      orch_id: 'o-logs',
      event_id: line?.['event_id'],
      'extras.frame': 3,
      'extras.render.engine': 'cycles',
      'extras.render.samples': '[1,2]',
      'extras.password': '[REDACTED]',
      'extras.long': 'x'.repeat(1024),
    });
    expect(slow.spanContext?.traceId).toBe(spanIds?.traceId);
    expect(slow.spanContext?.spanId).toBe(spanIds?.spanId);
    expect(failed.severityNumber).toBe(SeverityNumber.ERROR);
    expect(failed.body).toBe('job_failed'); // no message: the event's name
    expect(failed.attributes).toMatchObject({
      event_id: id,
      'extras.error.message': 'disk full',
      'extras.error.name': 'Error',
    });
    expect(failed.spanContext).toBeUndefined();
  });

  it('bounds the extras and takes a prefix of your own', async () => {
    await start({ logs: { extrasPrefix: 'orch.', maxExtras: 3 } });
    const fields: Record<string, number> = {};
    for (let i = 0; i < 50; i++) fields[`f${i}`] = i;
    app.events.info('many', fields);
    const [record] = await records();
    expect(Object.keys(record.attributes).filter((k) => k.startsWith('orch.'))).toEqual([
      'orch.f0',
      'orch.f1',
      'orch.f2',
    ]);
  });

  it('without logs, no records (trace ids only), and below-level events make none', async () => {
    await start({});
    app.events.info('quiet');
    app.events.debug('below the level');
    expect(await records()).toHaveLength(0);
    await app.stop();
    await start({ logs: true });
    app.events.debug('below the level');
    expect(await records()).toHaveLength(0);
    // The span ids are stamped with logs on too.
    tracer.startActiveSpan('s', (span) => {
      app.events.info('inside');
      span.end();
    });
    await app.events.flush();
    const inside = readEvents(app.file).find((e) => e['event'] === 'inside');
    expect(inside?.['span_id']).toMatch(/^[0-9a-f]{16}$/);
  });
});
