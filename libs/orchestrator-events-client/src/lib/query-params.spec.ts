import { OrchestratorEventsQueryError } from './errors';
import {
  countsSearchParams,
  endpointUrls,
  joinUrl,
  runsSearchParams,
  siblingUrl,
  toSearchParams,
  withQuery,
} from './query-params';

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

  it.each([
    [{ limit: 0 }, 'limit'],
    [{ limit: 1001 }, 'limit'],
    [{ limit: 2.5 }, 'limit'],
    [{ limit: 1e21 }, 'limit'],
    // A caller outside TypeScript: the server's rule, not Number()'s.
    [{ limit: '05' as unknown as number }, 'limit'],
    [{ limit: '1e2' as unknown as number }, 'limit'],
    [{ since: '2026-12-05T23:00:00' }, 'since'],
    [{ until: '2026-11-24T10:00' }, 'until'],
    [{ until: new Date(NaN) }, 'until'],
  ])('refuses %j before sending, naming %s, in the server words', (query, parameter) => {
    const refuse = () => toSearchParams(query);
    expect(refuse).toThrow(OrchestratorEventsQueryError);
    expect(refuse).toThrow(
      new RegExp(`^${parameter} must be (an integer from 1 to 1000 in decimal|an ISO 8601)`),
    );
  });

  it('sends the years 0000-0099 and a date alone as given', () => {
    const params = toSearchParams({ since: '0000-01-01T00:00:00Z', until: '2026-11-24', limit: 1 });
    expect(params.toString()).toBe('since=0000-01-01T00%3A00%3A00Z&until=2026-11-24&limit=1');
  });

  it('leaves out undefined, empty strings and empty event lists', () => {
    expect(toSearchParams({ task_id: undefined, run_id: '', event: [] }).toString()).toBe('');
  });
});

describe('search, runs and counts parameters', () => {
  it('writes q and each extras.<key>, an empty value included', () => {
    const extras = Object.assign(Object.create(null) as Record<string, string>, {
      region: 'eu west',
      empty: '',
      ['__proto__']: 'p',
    });
    expect(toSearchParams({ q: 'quota  Exceeded', extras }).toString()).toBe(
      'q=quota++Exceeded&extras.region=eu+west&extras.empty=&extras.__proto__=p',
    );
    expect(toSearchParams({ q: '' }).toString()).toBe('');
  });

  it('writes a runs query and a counts query under the server names', () => {
    expect(
      runsSearchParams({
        task_id: 'etl',
        status: 'failed',
        since: new Date(Date.UTC(2026, 10, 17)),
        until: '2026-11-24T00:00:00Z',
        before: 'run-9',
        limit: 20,
      }).toString(),
    ).toBe(
      'task_id=etl&status=failed&since=2026-11-17T00%3A00%3A00.000Z' +
        '&until=2026-11-24T00%3A00%3A00Z&before=run-9&limit=20',
    );
    expect(countsSearchParams({ level: 'ERROR', q: 'quota', bucket: 300 }).toString()).toBe(
      'level=ERROR&q=quota&bucket=300',
    );
  });

  it('finds the runs endpoint beside the events endpoint', () => {
    expect(siblingUrl('http://h:1/api/v1/orchestrator/events', 'runs')).toBe(
      'http://h:1/api/v1/orchestrator/runs',
    );
    expect(siblingUrl('http://h:1/ops/events/', 'runs')).toBe('http://h:1/ops/runs');
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

describe('runsSearchParams', () => {
  it('checks limit, since and until by the rules of the events query', () => {
    expect(() => runsSearchParams({ limit: 0 })).toThrow(OrchestratorEventsQueryError);
    expect(() => runsSearchParams({ since: '2026-12-05T23:00:00' })).toThrow(
      OrchestratorEventsQueryError,
    );
    expect(runsSearchParams({ status: 'failed', limit: 5 }).toString()).toBe(
      'status=failed&limit=5',
    );
  });
});

describe('endpointUrls', () => {
  it('puts each endpoint beside or below the events endpoint, with its own query string', () => {
    const urls = endpointUrls('http://h:1/api/v1/orchestrator/events');
    expect(urls.events({ task_id: 't', limit: 5 })).toBe(
      'http://h:1/api/v1/orchestrator/events?task_id=t&limit=5',
    );
    expect(urls.stream({})).toBe('http://h:1/api/v1/orchestrator/events/stream');
    expect(urls.runs({ status: 'failed' })).toBe(
      'http://h:1/api/v1/orchestrator/runs?status=failed',
    );
    expect(urls.counts({ bucket: 300 })).toBe(
      'http://h:1/api/v1/orchestrator/events/counts?bucket=300',
    );
  });
});
