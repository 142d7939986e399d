import { Inject, Injectable } from '@nestjs/common';
import {
  CountsPage,
  CountsQuery,
  EventFilter,
  EventQuery,
  formatEventLine,
  MAX_QUERY_LIMIT,
  OrchestratorEvent,
  RunsPage,
  RunsQuery,
} from '@orchestrator/events-contract';
import { EventBus } from '../bus/event-bus';
import { BuiltEvent } from '../event/event-line';
import { EventPage } from '../file/event-store';
import { mergePages } from '../event/history-query';
import { HistorySource } from './history-source';
import { HistorySources } from './history-sources.registry';
import { MESSAGES } from '../shared/orchestrator-events.messages';

/** One step of `EventHistory.after()`: events to send, after a reset when the resume id is gone. */
export interface HistoryBatch {
  /** Set on the first batch when the resume id is older than anything kept: the oldest id kept. */
  reset?: string;
  /** The next matching events, in order. */
  events: BuiltEvent[];
  /** Another batch follows: a caller that paces the reading waits here. */
  more: boolean;
}

/**
 * Past events: one home for every reader (the REST endpoint, stream resumption, your own code).
 * Asks each history source (the files; the Redis Stream with the Redis bus; a store added through
 * `HistorySources`) the same query and merges the pages by event_id; a source that cannot answer
 * now (Redis or the store down) is left out and the page says `partial: true`.
 *
 * ```ts
 * constructor(private readonly history: EventHistory) {}
 * const page = await this.history.query({ task_id: 'task-1', limit: 50 });
 * ```
 */
@Injectable()
export class EventHistory {
  constructor(
    private readonly sources: HistorySources,
    @Inject(EventBus) private readonly bus: EventBus,
  ) {}

  /**
   * One page of past events, in chronological order: without `after`, the newest `limit` matches;
   * with `after`, the oldest `limit` matches above that id (`limit` default 100, at most 1000).
   * Everything logged before the call is visible. Rejects with a `RangeError` when `since` or
   * `until` is not an ISO 8601 date-time within the years 0000-9999 (the HTTP endpoint answers 400
   * for those first). `partial: true` when a source other than the files could not answer.
   */
  async query(query: EventQuery = {}): Promise<EventPage> {
    const pages = await Promise.all(
      this.sources.active().map((source, i) =>
        // The files (first) must answer; another source that fails is left out.
        i === 0 ? source.query(query) : source.query(query).catch(() => undefined),
      ),
    );
    const answered = pages.filter((page) => page !== undefined);
    const merged = mergePages(query, answered);
    const page = { ...merged, skipped_lines: merged.skipped_lines ?? 0 };
    return answered.length < pages.length ? { ...page, partial: true } : page;
  }

  /**
   * Every event matching `filter` after the event `afterId`, in batches (one page each) that the
   * caller may pace, for example by waiting for a slow client between them. From the bus's recent
   * events when it still has that id, else from the sources; when `afterId` is older than anything
   * kept (by any source: `oldestEventId()`), the first batch says so with `reset`, naming that
   * oldest event, and starts from it: the first event sent is the one named or, with a filter, a
   * later one, never an older one.
   */
  async *after(afterId: string, filter: EventFilter = {}): AsyncGenerator<HistoryBatch> {
    const recent = await this.bus.replay(afterId, filter);
    if (recent !== undefined) {
      yield { events: recent, more: false };
      return;
    }
    let after = afterId;
    let reset: string | undefined;
    const oldest = await this.oldestEventId();
    if (oldest !== undefined && afterId < oldest) {
      reset = oldest;
      after = '';
    }
    for (;;) {
      const page = await this.query({ ...filter, after, limit: MAX_QUERY_LIMIT });
      const events = page.events.map(fromHistory);
      const more = page.has_more;
      yield reset === undefined ? { events, more } : { reset, events, more };
      reset = undefined;
      if (!more) return;
      if (events.length > 0) after = events[events.length - 1].id;
    }
  }

  /**
   * Runs as records, newest `started_at` first (`limit` default 100, at most 1000): from a store
   * source that keeps them (every instance's runs), else folded from this instance's files
   * (bounded by what they hold). When a store should answer and cannot, the files answer with
   * `partial: true`. Rejects with a `RangeError` for a bad `since`/`until` or a `before` run that
   * is not held.
   */
  runs(query: RunsQuery = {}): Promise<RunsPage> {
    return this.fromStoreOrFiles((source) => source.runs?.bind(source), query);
  }

  /**
   * Events per level per time bucket for the filter and window of `query`, from a store source
   * that counts them, else the files; `partial: true` as for `runs`.
   */
  counts(query: CountsQuery = {}): Promise<CountsPage> {
    return this.fromStoreOrFiles((source) => source.counts?.bind(source), query);
  }

  /**
   * The answer of the first source after the files that has `pick`'s method (a store), else of
   * the files; the files' answer says `partial` when the store could not answer.
   */
  private async fromStoreOrFiles<Q, P extends { partial?: boolean }>(
    pick: (source: HistorySource) => ((query: Q) => Promise<P | undefined>) | undefined,
    query: Q,
  ): Promise<P> {
    const [files, ...others] = this.sources.active();
    const store = others.map(pick).find((ask) => ask !== undefined);
    if (store !== undefined) {
      try {
        const page = await store(query);
        if (page !== undefined) return page;
      } catch (err) {
        // A refused query is refused whoever answers; an outage falls back to the files.
        if (err instanceof RangeError) throw err;
      }
    }
    const ask = pick(files);
    const page = ask === undefined ? undefined : await ask(query);
    if (page === undefined) throw new Error(MESSAGES.noHistorySource());
    return store === undefined ? page : { ...page, partial: true };
  }

  /**
   * The id of the oldest event still kept by any source asked (this instance's files; with the
   * Redis bus, the shared stream too; a store instead of the stream), if any: older resume points
   * are gone. With several instances the
   * stream may hold another instance's events older than these files: `after()` sends those first,
   * so its `reset` must name them, not the files' first line.
   */
  async oldestEventId(): Promise<string | undefined> {
    const ids = await Promise.all(
      this.sources.active().map((source, i) =>
        // As in query(): the files must answer; another source that fails is left out.
        i === 0 ? source.oldestEventId?.() : source.oldestEventId?.().catch(() => undefined),
      ),
    );
    let oldest: string | undefined;
    for (const id of ids)
      if (id !== undefined && (oldest === undefined || id < oldest)) oldest = id;
    return oldest;
  }
}

/** An event read back: its line is its JSON text again (parse and stringify round-trip). */
function fromHistory(event: OrchestratorEvent): BuiltEvent {
  return { id: event.event_id, event, line: formatEventLine(event) };
}
