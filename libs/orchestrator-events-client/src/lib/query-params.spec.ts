import { joinUrl, toSearchParams, withQuery } from './query-params';

describe('toSearchParams', () => {
  it('writes each given criterion under the server name, lists comma-joined', () => {
    const params = toSearchParams({
      task_id: 't1',
      run_id: 'r1',
      event: ['job_started', 'job_failed'],
      level: 'WARNING',
      since: new Date(Date.UTC(2026, 10, 24, 10, 0, 0)),
      until: '2026-11-25T00:00:00Z',
      after: '1795515045123-000000-o-glm',
      limit: 20,
    });
    expect(params.toString()).toBe(
      'task_id=t1&run_id=r1&event=job_started%2Cjob_failed&level=WARNING' +
        '&since=2026-11-24T10%3A00%3A00.000Z&until=2026-11-25T00%3A00%3A00Z' +
        '&after=1795515045123-000000-o-glm&limit=20',
    );
  });

  it('leaves out undefined, empty strings and empty event lists', () => {
    expect(toSearchParams({ task_id: undefined, run_id: '', event: [] }).toString()).toBe('');
  });
});

describe('urls', () => {
  it('joins without doubling or dropping slashes', () => {
    expect(joinUrl('http://h:1/', '/api/v1/x')).toBe('http://h:1/api/v1/x');
    expect(joinUrl('http://h:1/base', 'stream')).toBe('http://h:1/base/stream');
    expect(withQuery('http://h/x', new URLSearchParams())).toBe('http://h/x');
    expect(withQuery('http://h/x', new URLSearchParams({ a: 'b c' }))).toBe('http://h/x?a=b+c');
  });
});
