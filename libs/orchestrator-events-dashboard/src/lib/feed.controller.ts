import {
  backoffDelay,
  BackoffOptions,
  EventFilter,
  EventQuery,
  EventsPage,
  isRetryable,
  OLDEST_CURSOR,
  OrchestratorEvent,
  OrchestratorEventsBadRequestError,
  OrchestratorEventsError,
  OrchestratorEventsUnauthorizedError,
  StreamOptions,
  StreamReset,
} from '@orchestrator/events-client';
import { MAX_QUERY_LIMIT } from '@orchestrator/events-contract';

/** What a feed needs of `OrchestratorEventsClient` (a fake in tests). */
export interface EventsSource {
  query(query: EventQuery, options?: { signal?: AbortSignal }): Promise<EventsPage>;
  stream(
    filter: EventFilter,
    options?: StreamOptions,
  ): AsyncGenerator<OrchestratorEvent, void, undefined>;
}

/** Where a feed stands, for the connection badge. */
export type FeedState =
  | { kind: 'connecting' }
  | { kind: 'live' }
  | { kind: 'reconnecting'; attempt: number; delayMs: number; reason: string }
  | { kind: 'paused' }
  | { kind: 'unauthorized'; messages: readonly string[] }
  | { kind: 'bad-request'; messages: readonly string[] }
  | { kind: 'failed'; message: string }
  | { kind: 'stopped' };

export interface FeedOptions {
  filter: EventFilter;
  /** Newest matching events loaded before going live (paged back 1000 at a time). */
  history: number;
  onEvent(event: OrchestratorEvent, phase: 'history' | 'live'): void;
  onState(state: FeedState): void;
  /** The server no longer had events as far back as the resume point: some were lost. */
  onReset?(reset: StreamReset): void;
  /** Delays of the retries while history cannot be loaded (the stream has its own). */
  backoff?: BackoffOptions;
}

/**
 * One filter's events: the newest `history` of them, then the live stream from the last one, so
 * nothing falls between the two. Reconnection, resume, back-off and errors are the client's; this
 * only turns them into states. A 400 or a 401 ends the feed (waiting will not heal them): the page
 * shows the server's message once, or asks for a token, and starts a new feed when told to.
 */
export class Feed {
  private state: FeedState = { kind: 'stopped' };
  private run?: AbortController;
  /** The last event handed out: where the live stream resumes (after a pause too). */
  lastEventId: string | undefined;

  constructor(
    private readonly source: EventsSource,
    private readonly options: FeedOptions,
  ) {}

  get current(): FeedState {
    return this.state;
  }

  /** Loads the history, then follows the stream. */
  start(): void {
    this.stop();
    const run = (this.run = new AbortController());
    void this.history(run.signal).then((ok) => (ok ? this.live(run.signal) : undefined));
  }

  /** Closes the stream; `resume()` goes on from the last event, with what came meanwhile. */
  pause(): void {
    if (this.state.kind !== 'live' && this.state.kind !== 'reconnecting') return;
    this.run?.abort();
    this.setState({ kind: 'paused' });
  }

  resume(): void {
    if (this.state.kind !== 'paused') return;
    const run = (this.run = new AbortController());
    void this.live(run.signal);
  }

  stop(): void {
    this.run?.abort();
    this.run = undefined;
    this.setState({ kind: 'stopped' });
  }

  private async history(signal: AbortSignal): Promise<boolean> {
    this.setState({ kind: 'connecting' });
    for (let attempt = 1; ; attempt++) {
      try {
        const events = await this.loadNewest(signal);
        if (signal.aborted) return false;
        for (const event of events) this.options.onEvent(event, 'history');
        this.lastEventId = events.at(-1)?.event_id;
        return true;
      } catch (error) {
        if (signal.aborted) return false;
        if (!isRetryable(error)) {
          this.fail(error);
          return false;
        }
        const delayMs = backoffDelay(attempt, this.options.backoff);
        this.setState({ kind: 'reconnecting', attempt, delayMs, reason: messageOf(error) });
        await sleep(delayMs, signal);
        if (signal.aborted) return false;
      }
    }
  }

  /** The newest `history` matches, oldest first, paged back with `before` cursors. */
  private async loadNewest(signal: AbortSignal): Promise<OrchestratorEvent[]> {
    const pages: OrchestratorEvent[][] = [];
    let before: string | undefined;
    let total = 0;
    while (total < this.options.history) {
      const limit = Math.min(MAX_QUERY_LIMIT, this.options.history - total);
      const query: EventQuery = { ...this.options.filter, limit, ...(before ? { before } : {}) };
      const page = await this.source.query(query, { signal });
      pages.unshift(page.events);
      total += page.events.length;
      if (!page.has_more || page.events.length === 0) break;
      before = page.events[0].event_id;
    }
    return pages.flat();
  }

  private async live(signal: AbortSignal): Promise<void> {
    // Without history, resume from the very start: events logged between the (empty) query and
    // the stream's connection are replayed instead of lost.
    const from = this.lastEventId ?? OLDEST_CURSOR;
    try {
      const events = this.source.stream(this.options.filter, {
        lastEventId: from,
        signal,
        onOpen: () => this.setState({ kind: 'live' }),
        onRetry: (retry) =>
          this.setState({
            kind: 'reconnecting',
            attempt: retry.attempt,
            delayMs: retry.delayMs,
            reason: retry.error ? messageOf(retry.error) : 'the server closed the stream',
          }),
        onReset: (reset) => {
          // Resuming "from the start" always predates what is kept: not a loss.
          if (reset.last_event_id !== OLDEST_CURSOR) this.options.onReset?.(reset);
        },
      });
      for await (const event of events) {
        // Stopped (a new filter): not one more event into the new one's views.
        if (signal.aborted) break;
        this.lastEventId = event.event_id;
        this.options.onEvent(event, 'live');
      }
      // A 204: the server's way to say "do not reconnect".
      if (!signal.aborted)
        this.setState({ kind: 'failed', message: 'the server ended the stream' });
    } catch (error) {
      if (!signal.aborted) this.fail(error);
    }
  }

  private fail(error: unknown): void {
    if (error instanceof OrchestratorEventsUnauthorizedError) {
      this.setState({ kind: 'unauthorized', messages: error.messages });
    } else if (error instanceof OrchestratorEventsBadRequestError) {
      this.setState({ kind: 'bad-request', messages: error.messages });
    } else {
      this.setState({ kind: 'failed', message: messageOf(error) });
    }
  }

  private setState(state: FeedState): void {
    this.state = state;
    this.options.onState(state);
  }
}

function messageOf(error: unknown): string {
  if (error instanceof OrchestratorEventsError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
