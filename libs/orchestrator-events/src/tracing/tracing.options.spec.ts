import { Test } from '@nestjs/testing';
import * as path from 'node:path';
import { tempDir } from '../testing/temp-dir';
import { OrchestratorEventsConfigError } from '../lib/shared/orchestrator-events.errors';
import { OrchestratorEventsModule } from '../lib/orchestrator-events.module';
import { OrchestratorEventsTracingModule } from './orchestrator-events-tracing.module';
import { OrchestratorEventsTracingOptions, resolveTracingOptions } from './tracing.options';

describe('OrchestratorEventsTracingModule options', () => {
  it('{} is trace ids only; logs: true is every default', () => {
    expect(resolveTracingOptions({})).toEqual({ spans: false, logs: undefined });
    expect(resolveTracingOptions({ spans: true, logs: true })).toEqual({
      spans: true,
      logs: {
        extrasPrefix: 'extras.',
        maxExtras: 32,
        maxValueLength: 1024,
        loggerName: '@orchestrator/events',
      },
    });
  });

  it('reports every bad value at once, when the app starts (forRootAsync too)', async () => {
    const { dir, cleanup } = tempDir('orch-tracing-options-');
    try {
      const bad = {
        spans: 'yes',
        logs: { maxExtras: -1, maxValueLength: 1.5, loggerName: '', extrasPrefix: 3 },
      } as unknown as OrchestratorEventsTracingOptions;
      const error = await Test.createTestingModule({
        imports: [
          OrchestratorEventsModule.forRoot({
            logFile: path.join(dir, 'orch.log'),
            env: {},
            controller: false,
          }),
          OrchestratorEventsTracingModule.forRootAsync({ useFactory: async () => bad }),
        ],
      })
        .compile()
        .then(
          async (module) => module.close(),
          (err: unknown) => err,
        );
      expect(error).toBeInstanceOf(OrchestratorEventsConfigError);
      expect((error as OrchestratorEventsConfigError).problems).toEqual([
        'Invalid tracing option spans="yes": expected true or false',
        'Invalid tracing option logs.extrasPrefix=3: expected a string',
        'Invalid tracing option logs.maxExtras=-1: expected an integer from 0 to 1000000',
        'Invalid tracing option logs.maxValueLength=1.5: expected an integer from 1 to 1000000',
        'Invalid tracing option logs.loggerName="": expected a non-empty string',
      ]);
    } finally {
      cleanup();
    }
  });

  it('refuses logs that are neither a boolean nor options', () => {
    expect(() =>
      resolveTracingOptions({ logs: 'on' } as unknown as OrchestratorEventsTracingOptions),
    ).toThrow('Invalid tracing option logs="on"');
  });
});
