import { OrchestratorEventsConfigError } from '../lib/shared/orchestrator-events.errors';
import { resolveRedisOptions } from './redis.options';

describe('OrchestratorEventsRedisModule options', () => {
  it('default from the environment, then from the defaults; options win', () => {
    const env = { REDIS_URL: 'redis://127.0.0.1:6379' };
    expect(resolveRedisOptions({ env })).toEqual({
      url: 'redis://127.0.0.1:6379',
      stream: 'orch:events',
      maxLen: 100000,
      buffer: 100000,
    });
    const full = {
      REDIS_URL: 'redis://:pw@127.0.0.1:6380/2',
      ORCH_REDIS_STREAM: 'team:events',
      ORCH_REDIS_STREAM_MAXLEN: '5000',
      ORCH_REDIS_BUFFER: '0',
    };
    expect(resolveRedisOptions({ env: full })).toEqual({
      url: 'redis://:pw@127.0.0.1:6380/2',
      stream: 'team:events',
      maxLen: 5000,
      buffer: 0,
    });
    expect(resolveRedisOptions({ env: full, stream: 'x', buffer: 7, maxLen: '200' })).toEqual({
      url: 'redis://:pw@127.0.0.1:6380/2',
      stream: 'x',
      maxLen: 200,
      buffer: 7,
    });
    // An empty variable counts as unset.
    expect(resolveRedisOptions({ env: { ...env, ORCH_REDIS_STREAM: '' } }).stream).toBe(
      'orch:events',
    );
  });

  it('names the variable, the value and what is allowed for each bad value', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ REDIS_URL: 'http://x:6379' }, /^Invalid REDIS_URL="http:\/\/x:6379": expected redis:\/\//],
      [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL="localhost:6379"/],
      [{ ORCH_REDIS_STREAM: 'has space' }, /ORCH_REDIS_STREAM="has space": expected a Redis key/],
      [
        { ORCH_REDIS_STREAM_MAXLEN: '10' },
        /ORCH_REDIS_STREAM_MAXLEN="10": expected an integer from 100/,
      ],
      [{ ORCH_REDIS_BUFFER: '-1' }, /ORCH_REDIS_BUFFER="-1": expected an integer from 0/],
    ];
    for (const [extra, message] of bad) {
      expect(() =>
        resolveRedisOptions({ env: { REDIS_URL: 'redis://127.0.0.1:6379', ...extra } }),
      ).toThrow(message);
    }
    expect(() => resolveRedisOptions({ env: {}, url: 'nope' })).toThrow(
      /^Invalid redis option url="nope": expected redis:\/\//,
    );
  });

  it('requires a url, and reports every bad value at once', () => {
    let error: unknown;
    try {
      resolveRedisOptions({ env: { ORCH_REDIS_STREAM_MAXLEN: 'x' }, buffer: -5 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(OrchestratorEventsConfigError);
    expect((error as OrchestratorEventsConfigError).problems).toEqual([
      'Invalid REDIS_URL="": required: a redis:// URL (set REDIS_URL, or the url option of OrchestratorEventsRedisModule.forRoot)',
      'Invalid ORCH_REDIS_STREAM_MAXLEN="x": expected an integer from 100 to 1000000000',
      'Invalid redis option buffer=-5: expected an integer from 0 to 100000000',
    ]);
  });

  it('never shows the password of the url', () => {
    let message = '';
    try {
      resolveRedisOptions({ env: { REDIS_URL: 'http://user:s3cret@host:6379' } });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^Invalid REDIS_URL="http:\/\/user:\*\*\*@host:6379": expected redis/);
    expect(message).not.toContain('s3cret');
  });
});
