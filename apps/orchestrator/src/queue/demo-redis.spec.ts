import { DEFAULT_DEMO_QUEUE, demoQueueName } from './demo-redis';

describe('demoQueueName', () => {
  it('defaults to orchestrator-demo and reads DEMO_QUEUE', () => {
    expect(demoQueueName({})).toBe(DEFAULT_DEMO_QUEUE);
    expect(DEFAULT_DEMO_QUEUE).toBe('orchestrator-demo');
    expect(demoQueueName({ DEMO_QUEUE: 'render-jobs.v2' })).toBe('render-jobs.v2');
  });

  it.each(['a:b', 'with space', 'x'.repeat(65), '{braces}'])(
    'refuses DEMO_QUEUE=%j naming the variable and what is allowed',
    (name) => {
      expect(() => demoQueueName({ DEMO_QUEUE: name })).toThrow(
        `Invalid DEMO_QUEUE=${JSON.stringify(name)}: expected 1-64 characters`,
      );
    },
  );
});
