import {
  CountsPage,
  CountsQuery,
  EventQuery,
  RunsPage,
  RunsQuery,
} from '@orchestrator/events-contract';
import { EventFileScan } from '../file/event-scan';
import { EventPage, EventStore } from '../file/event-store';
import { LogFileSet } from '../file/log-file-set';
import { CountsFold, countsWindow } from './counts-query';
import { acceptor } from '../event/history-query';
import { HistorySource } from './history-source';
import { FileRunsFold } from './file-runs.fold';

/**
 * What the source needs of the writer (`EventWriter` is one): its queue written out, and a count
 * that changes at each rotation. An interface, so that history does not depend on the write path.
 */
export interface WrittenFiles {
  flushSync(): void;
  rotations(): number;
}

/**
 * The log files (current and rotated backups) as a history source. Each read first writes out the
 * writer's queue, synchronously (the store calls `flushSync` before it opens the files), so a query
 * sees every event logged before it.
 */
export class FileHistorySource implements HistorySource {
  readonly name = 'files';
  private readonly store: EventStore;
  private readonly scan: EventFileScan;
  private readonly runsFold: FileRunsFold;

  constructor(file: string, maxFiles: number, writer: WrittenFiles) {
    const flush = () => writer.flushSync();
    const rotations = () => writer.rotations();
    const files = () => new LogFileSet(file, maxFiles, rotations);
    this.store = new EventStore(files(), flush);
    this.scan = new EventFileScan(files(), flush);
    this.runsFold = new FileRunsFold(files(), flush, rotations);
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

  /**
   * Run records folded from every event the files hold, then filtered, ordered and cut. The fold
   * is kept: a later query reads only what was appended since, and a rotation folds it all again
   * (one pass over the retention). A run whose first events were rotated away starts, here, at its
   * oldest event still kept.
   */
  runs(query: RunsQuery): Promise<RunsPage> {
    return this.runsFold.runs(query);
  }

  /**
   * Events per level per bucket, from one pass over the files on each call: from the file that
   * holds `since` (when given) to `until` (when given).
   */
  async counts(query: CountsQuery): Promise<CountsPage> {
    const { since, until } = countsWindow(query);
    const accept = acceptor(query);
    const fold = new CountsFold(query.bucket, since, until);
    await this.scan.forEach((event) => {
      // Timestamps grow with ids in one orchestrator's files: past `until`, nothing more counts.
      if (until !== undefined && event.timestamp >= until) return false;
      if (accept(event)) fold.add(event);
    }, since);
    return fold.page();
  }
}
