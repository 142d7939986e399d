import {
  EventFilter,
  EventQuery,
  EventsPage,
  OLDEST_CURSOR,
  OrchestratorEvent,
  OrchestratorEventsBadRequestError,
  OrchestratorEventsNetworkError,
  OrchestratorEventsUnauthorizedError,
  StreamOptions,
} from '@orchestrator/events-client';
import { eventAt } from '../testing/test-events';
import { EventsSource, Feed, FeedState } from './feed.controller';

const T = 1_790_000_000_000;
const events = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => eventAt(T + from + i, { event: `e${from + i}` }));

/** A client that answers from scripts: pages for queries, events (then an open end) for streams. */
class FakeSource implements EventsSource {
  queries: EventQuery[] = [];
  streams: { filter: EventFilter; options: StreamOptions }[] = [];
  constructor(
    private readonly answer: (query: EventQuery) => EventsPage | Error,
    private readonly live: OrchestratorEvent[] = [],
  ) {}

  async query(query: EventQuery): Promise<EventsPage> {
    this.queries.push(query);
    const page = this.answer(query);
    if (page instanceof Error) throw page;
    return page;
  }

  async *stream(filter: EventFilter, options: StreamOptions = {}) {
    this.streams.push({ filter, options });
    options.onOpen?.({ reconnected: false, lastEventId: options.lastEventId });
    for (const event of this.live) yield event;
    // Then quiet until aborted, as a live stream is.
    await new Promise<void>((resolve) =>
      options.signal?.addEventListener('abort', () => resolve()),
    );
  }
}

function follow(source: EventsSource, filter: EventFilter = {}, history = 2500) {
  const seen: [string, string][] = [];
  const full: FeedState[] = [];
  const states: FeedState['kind'][] = [];
  const resets: unknown[] = [];
  const feed = new Feed(source, {
    filter,
    history,
    onEvent: (event, phase) => seen.push([event.event, phase]),
    onState: (state) => {
      full.push(state);
      states.push(state.kind);
    },
    onReset: (reset) => resets.push(reset),
    backoff: { initialMs: 5, jitter: 0 },
  });
  return { feed, seen, states, full, resets };
}

const settle = async (until: () => boolean) => {
  for (let i = 0; i < 200 && !until(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('Feed', () => {
  it('loads the newest history page by page, oldest first, then follows from its last id', async () => {
    const all = events(2600);
    const live = events(2, 5000);
    const source = new FakeSource((q) => {
      const end = q.before ? all.findIndex((e) => e.event_id === q.before) : all.length;
      const start = Math.max(0, end - (q.limit ?? 100));
      return { events: all.slice(start, end), has_more: start > 0 };
    }, live);
    const { feed, seen, states } = follow(source, { task_id: 't' });
    feed.start();
    await settle(() => seen.length === 2502);
    expect(source.queries.map((q) => [q.limit, q.before !== undefined])).toEqual([
      [1000, false],
      [1000, true],
      [500, true],
    ]);
    expect(source.queries[0]).toMatchObject({ task_id: 't' });
    expect(seen[0]).toEqual(['e100', 'history']);
    expect(seen[2499]).toEqual(['e2599', 'history']);
    expect(seen.slice(2500)).toEqual([
      ['e5000', 'live'],
      ['e5001', 'live'],
    ]);
    expect(source.streams[0].options.lastEventId).toBe(all[2599].event_id);
    expect(states).toEqual(['stopped', 'connecting', 'live']);
    expect(feed.lastEventId).toBe(live[1].event_id);
    feed.stop();
  });

  it('without history, follows from the very start, and a reset of that start is no loss', async () => {
    const source = new FakeSource(() => ({ events: [], has_more: false }));
    const { feed, resets } = follow(source);
    feed.start();
    await settle(() => source.streams.length === 1);
    const options = source.streams[0].options;
    expect(options.lastEventId).toBe(OLDEST_CURSOR);
    options.onReset?.({ oldest_event_id: 'x', last_event_id: OLDEST_CURSOR });
    expect(resets).toEqual([]);
    options.onReset?.({ oldest_event_id: 'x', last_event_id: 'y' });
    expect(resets).toEqual([{ oldest_event_id: 'x', last_event_id: 'y' }]);
    feed.stop();
  });

  it('stops at a 400 with the server’s words, asking once', async () => {
    const source = new FakeSource(
      () => new OrchestratorEventsBadRequestError(400, ['task_id must match'], 'u'),
    );
    const { feed, states, full } = follow(source);
    feed.start();
    await settle(() => states.includes('bad-request'));
    await new Promise((r) => setTimeout(r, 50));
    expect(source.queries).toHaveLength(1);
    expect(source.streams).toHaveLength(0);
    expect(states).toEqual(['stopped', 'connecting', 'bad-request']);
    expect(full.at(-1)).toEqual({ kind: 'bad-request', messages: ['task_id must match'] });
  });

  it('stops at a 401: the page asks for a token and starts a new feed', async () => {
    const source = new FakeSource(
      () => new OrchestratorEventsUnauthorizedError(401, ['token'], 'u'),
    );
    const { feed, states } = follow(source);
    feed.start();
    await settle(() => states.includes('unauthorized'));
    expect(source.queries).toHaveLength(1);
    expect(states.at(-1)).toBe('unauthorized');
  });

  it('retries history while the server is unreachable, saying so', async () => {
    let calls = 0;
    const source = new FakeSource(() =>
      ++calls < 3
        ? new OrchestratorEventsNetworkError('u', new Error('ECONNREFUSED'))
        : { events: events(1), has_more: false },
    );
    const { feed, states, seen } = follow(source);
    feed.start();
    await settle(() => seen.length === 1 && states.at(-1) === 'live');
    expect(states).toEqual(['stopped', 'connecting', 'reconnecting', 'reconnecting', 'live']);
    feed.stop();
  });

  it('pauses by closing the stream and resumes from the last event shown', async () => {
    const [last] = events(1, 100);
    const source = new FakeSource(() => ({ events: events(3), has_more: false }), [last]);
    const { feed, states } = follow(source);
    feed.start();
    await settle(() => states.at(-1) === 'live' && feed.lastEventId === last.event_id);
    feed.pause();
    expect(states.at(-1)).toBe('paused');
    expect(source.streams[0].options.signal?.aborted).toBe(true);
    feed.resume();
    await settle(() => source.streams.length === 2);
    expect(source.streams[1].options.lastEventId).toBe(last.event_id);
    feed.stop();
  });
});
