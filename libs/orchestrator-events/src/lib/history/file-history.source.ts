import { EventQuery } from '@orchestrator/events-contract';
import { EventWriter } from '../event-writer.service';
import { EventPage, EventStore } from '../file/event-store';
import { HistorySource } from './history-source';

/**
 * The log files (current and rotated backups) as a history source. Each read first writes out the
 * writer's queue, synchronously (the store calls `flushSync` before it opens the files), so a query
 * sees every event logged before it.
 */
export class FileHistorySource implements HistorySource {
  readonly name = 'files';
  private readonly store: EventStore;

  constructor(file: string, maxFiles: number, writer: EventWriter) {
    this.store = new EventStore(
      file,
      maxFiles,
      () => writer.flushSync(),
      () => writer.rotations(),
    );
  }

  query(query: EventQuery): Promise<EventPage> {
    return this.store.query(query);
  }

  oldestEventId(): Promise<string | undefined> {
    return this.store.oldestId();
  }

  /**
   * Indexes the retained files in the background, so the first filtered query after a start does
   * not pay for reading the whole retention.
   */
  warm(): Promise<void> {
    return this.store.warm();
  }
}
