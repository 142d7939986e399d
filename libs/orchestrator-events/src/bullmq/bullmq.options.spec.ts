import { OrchestratorEventsConfigError } from '../lib/shared/orchestrator-events.errors';
import { resolveBullMQOptions } from './bullmq.options';

describe('resolveBullMQOptions', () => {
  it('applies the defaults', () => {
    expect(resolveBullMQOptions({ queues: ['a', 'b', 'a'] })).toEqual({
      queues: ['a', 'b'],
      connection: 'redis://127.0.0.1:6379',
      prefix: 'bull',
      taskId: { dataField: 'task_id' },
      runId: 'attempt',
      maxValueBytes: 1024,
      fetchConcurrency: 8,
    });
  });

  it('reports every bad option at once, each with its value and what is allowed', () => {
    let error: OrchestratorEventsConfigError | undefined;
    try {
      resolveBullMQOptions({
        queues: ['ok', 'a:b'],
        prefix: '',
        taskId: { dataField: '' },
        maxValueBytes: 1.5,
        fetchConcurrency: 0,
      });
    } catch (err) {
      error = err as OrchestratorEventsConfigError;
    }
    expect(error).toBeInstanceOf(OrchestratorEventsConfigError);
    expect(error?.problems).toEqual([
      expect.stringMatching(/^Invalid bullmq option queues=\["ok","a:b"\]: .*without ":"/),
      expect.stringMatching(/^Invalid bullmq option prefix="": expected a non-empty string/),
      expect.stringMatching(/^Invalid bullmq option taskId=\{"dataField":""\}: expected 'jobId'/),
      'Invalid bullmq option maxValueBytes=1.5: expected an integer from 16 to 1048576',
      'Invalid bullmq option fetchConcurrency=0: expected an integer from 1 to 256',
    ]);
  });

  it('requires the queues', () => {
    expect(() => resolveBullMQOptions({} as never)).toThrow(
      /Invalid bullmq option queues=null: expected an array of queue names/,
    );
  });
});
