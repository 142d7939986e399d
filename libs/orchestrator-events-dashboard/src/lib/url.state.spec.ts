import {
  describeFilter,
  formatUrlState,
  narrowsRuns,
  parseUrlState,
  runsFilter,
  sameFilter,
  toEventFilter,
} from './url.state';

describe('url state', () => {
  it('round-trips filters, window and the open run through the query string', () => {
    const search = '?task_id=t-1&run_id=r.1&event=a%2Cb&level=warning&window=5m&run=run-9';
    const state = parseUrlState(search);
    expect(state).toEqual({
      filter: { task_id: 't-1', run_id: 'r.1', event: 'a,b', level: 'warning' },
      window: '5m',
      run: 'run-9',
    });
    expect(formatUrlState(state)).toBe(search);
    expect(parseUrlState(formatUrlState(state))).toEqual(state);
  });

  it('round-trips the status filter and a zoomed span; ignores a bad status or span', () => {
    const search =
      '?task_id=t&status=failed&from=2026-12-06T00%3A00%3A00.000Z&to=2026-12-06T00%3A05%3A00.000Z';
    const state = parseUrlState(search);
    expect(state).toEqual({
      filter: { task_id: 't' },
      window: 'auto',
      status: 'failed',
      zoom: { fromMs: Date.UTC(2026, 11, 6), toMs: Date.UTC(2026, 11, 6, 0, 5) },
    });
    expect(formatUrlState(state)).toBe(search);
    expect(parseUrlState('?status=broken&from=2026-12-06&to=2026-12-05')).toEqual({
      filter: {},
      window: 'auto',
    });
    expect(describeFilter({ task_id: 't' }, 'failed')).toBe('status failed, task t');
  });

  it('gives the default view for an empty query, and an empty query for the default view', () => {
    expect(parseUrlState('')).toEqual({ filter: {}, window: 'auto' });
    expect(formatUrlState({ filter: {}, window: 'auto' })).toBe('');
  });

  it('drops blank values and unknown parameters; an unknown window is auto', () => {
    expect(parseUrlState('?task_id=%20&window=3d&utm=x&level=')).toEqual({
      filter: {},
      window: 'auto',
    });
  });

  it('keeps values it cannot judge as typed, for the server to refuse with its own words', () => {
    const state = parseUrlState('?task_id=a%20b&level=loud');
    expect(toEventFilter(state.filter)).toEqual({ task_id: 'a b', level: 'loud' });
  });

  it('splits event names on commas', () => {
    expect(toEventFilter({ event: ' a, b ,,c' })).toEqual({ event: ['a', 'b', 'c'] });
    expect(toEventFilter({ event: ' , ' })).toEqual({});
  });

  it('knows which filters cut runs in pieces, and what selects whole runs', () => {
    expect(narrowsRuns({ task_id: 't' })).toBe(false);
    expect(narrowsRuns({ level: 'ERROR' })).toBe(true);
    expect(narrowsRuns({ event: 'job_failed' })).toBe(true);
    expect(runsFilter({ task_id: 't', run_id: 'r', level: 'ERROR', event: 'x' })).toEqual({
      task_id: 't',
      run_id: 'r',
    });
  });

  it('describes a filter in words and compares filters', () => {
    expect(describeFilter({ level: 'warn', event: 'a,b' })).toBe('event a, b, level ≥ WARN');
    expect(describeFilter({})).toBe('');
    expect(sameFilter({ task_id: 'a' }, { task_id: 'a', level: '' })).toBe(true);
    expect(sameFilter({ task_id: 'a' }, { task_id: 'b' })).toBe(false);
  });
});
