import { parseRetention, redactUrl, resolvePostgresOptions } from './postgres.options';

describe('resolvePostgresOptions', () => {
  it('defaults: retention 30d, schema orchestrator_events; the URL from ORCH_HISTORY_URL', () => {
    const options = resolvePostgresOptions({
      env: { ORCH_HISTORY_URL: 'postgres://u:pw@db:5432/orch' },
    });
    expect(options.retentionMs).toBe(30 * 24 * 3_600_000);
    expect(options.schema).toBe('orchestrator_events');
    expect(options.url).toBe('postgres://u:pw@db:5432/orch');
    expect(options.displayUrl).toBe('postgres://u@db:5432/orch');
  });

  it('retention in hours or days, from ORCH_HISTORY_RETENTION or the option', () => {
    expect(parseRetention('36h')).toBe(36 * 3_600_000);
    expect(parseRetention('7D')).toBe(7 * 24 * 3_600_000);
    for (const bad of ['0d', '30', '1w', '-1d', '1.5d', '3651d', ''])
      expect(parseRetention(bad)).toBeUndefined();
    const env = { ORCH_HISTORY_URL: 'postgres://db/x', ORCH_HISTORY_RETENTION: '12h' };
    expect(resolvePostgresOptions({ env }).retentionMs).toBe(12 * 3_600_000);
    expect(resolvePostgresOptions({ env, retention: '2d' }).retentionMs).toBe(2 * 24 * 3_600_000);
  });

  it('reports every bad value at once, naming the variable, the value and what is allowed; never the password', () => {
    let error: Error | undefined;
    try {
      resolvePostgresOptions({
        env: { ORCH_HISTORY_URL: 'mysql://admin:s3cret@db/x', ORCH_HISTORY_RETENTION: '1w' },
        schema: 'Bad-Name',
        batchSize: 0,
      });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.name).toBe('OrchestratorEventsConfigError');
    const text = error?.message ?? '';
    expect(text).toContain('4 invalid settings');
    expect(text).toContain('ORCH_HISTORY_URL="mysql://admin@db/x"');
    expect(text).toContain('ORCH_HISTORY_RETENTION="1w"');
    expect(text).toContain('from 1h to 3650d');
    expect(text).toContain('postgres option schema="Bad-Name"');
    expect(text).toContain('postgres option batchSize=0');
    expect(text).not.toContain('s3cret');
  });

  it('a missing URL names ORCH_HISTORY_URL', () => {
    expect(() => resolvePostgresOptions({ env: {} })).toThrow(/ORCH_HISTORY_URL=""/);
  });

  it('redactUrl keeps everything but the password', () => {
    expect(redactUrl('postgresql://a:b%40c@h:1/d?sslmode=require')).toBe(
      'postgresql://a@h:1/d?sslmode=require',
    );
    expect(redactUrl('not a url :pw@')).toBe('(unparsable url)');
  });
});
