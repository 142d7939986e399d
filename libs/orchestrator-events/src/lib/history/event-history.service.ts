import { Inject, Injectable } from '@nestjs/common';
import {
  EventFilter,
  EventQuery,
  formatEventLine,
  MAX_QUERY_LIMIT,
  OrchestratorEvent,
} from '@orchestrator/events-contract';
import { EventBus } from '../bus/event-bus';
import { BuiltEvent } from '../event-line';
import { EventPage } from '../file/event-store';
import { mergePages } from './history-query';
import { HistorySources } from './history-sources.registry';

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
   * kept, the first batch says so with `reset` and starts from the oldest event.
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

  /** The id of the oldest event still kept, if any: older resume points have been rotated away. */
  async oldestEventId(): Promise<string | undefined> {
    // The files and a store of every instance's events can tell; a stream's retention has no
    // stable lower bound per orchestrator. A store that cannot answer now leaves the files alone.
    const [files, ...others] = this.sources.active();
    const ids = await Promise.all([
      files.oldestEventId?.(),
      ...others
        .filter((source) => source.coverage === 'complete')
        .map((source) => source.oldestEventId?.().catch(() => undefined)),
    ]);
    const known = ids.filter((id) => id !== undefined);
    return known.length === 0 ? undefined : known.reduce((a, b) => (b < a ? b : a));
  }
}

/** An event read back: its line is its JSON text again (parse and stringify round-trip). */
function fromHistory(event: OrchestratorEvent): BuiltEvent {
  return { id: event.event_id, event, line: formatEventLine(event) };
}
