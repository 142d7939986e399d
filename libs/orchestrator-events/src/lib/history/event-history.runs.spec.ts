import type { CountsPage, RunRecord, RunsPage } from '@orchestrator/events-contract';
import { MemoryEventBus } from '../bus/memory-event.bus';
import { HistorySources } from './history-sources.registry';
import { EventHistory } from './event-history.service';
import { HistorySource } from './history-source';

const run = (run_id: string): RunRecord => ({
  run_id,
  orch_id: 'o',
  status: 'running',
  started_at: '2026-11-24T10:00:00.000000Z',
  steps_done: 0,
  first_event_id: '1',
  last_event_id: '1',
  events: 1,
});
const noEvents = async () => ({ events: [], has_more: false });

/** The files' part: always answers. */
const files: HistorySource = {
  name: 'files',
  query: noEvents,
  runs: async () => ({ runs: [run('from-files')], has_more: false }),
  counts: async () => ({ bucket: 60, buckets: [] }),
};

/** A store as the PostgreSQL source will be: answers, cannot answer now, or refuses. */
function store(answer: 'answers' | 'down' | 'undefined' | 'refuses'): HistorySource {
  const reply = async <P>(page: P): Promise<P | undefined> => {
    if (answer === 'down') throw new Error('connection refused');
    if (answer === 'refuses') throw new RangeError('before must be the run_id of a run still held');
    return answer === 'undefined' ? undefined : page;
  };
  return {
    name: 'store',
    query: noEvents,
    runs: () => reply<RunsPage>({ runs: [run('from-store')], has_more: true }),
    counts: () => reply<CountsPage>({ bucket: 300, buckets: [] }),
  };
}

const history = (...sources: HistorySource[]) =>
  new EventHistory(new HistorySources(sources), new MemoryEventBus(1));

describe('EventHistory.runs and .counts: a store answers, else the files', () => {
  it('asks the files when no other source keeps runs (a Redis stream does not)', async () => {
    const redisLike: HistorySource = { name: 'redis', query: noEvents };
    expect(await history(files, redisLike).runs()).toEqual({
      runs: [run('from-files')],
      has_more: false,
    });
    expect(await history(files).counts({ bucket: 60 })).toEqual({ bucket: 60, buckets: [] });
  });

  it('takes the store answer when it has one', async () => {
    const h = history(files, store('answers'));
    expect((await h.runs()).runs[0].run_id).toBe('from-store');
    expect((await h.counts()).bucket).toBe(300);
  });

  it('falls back to the files with partial: true when the store cannot answer', async () => {
    for (const answer of ['down', 'undefined'] as const) {
      const h = history(files, store(answer));
      expect(await h.runs()).toEqual({ runs: [run('from-files')], has_more: false, partial: true });
      expect(await h.counts()).toEqual({ bucket: 60, buckets: [], partial: true });
    }
  });

  it('passes a refusal (RangeError) on: the query is wrong whoever answers', async () => {
    await expect(history(files, store('refuses')).runs({ before: 'x' })).rejects.toThrow(
      RangeError,
    );
  });
});
