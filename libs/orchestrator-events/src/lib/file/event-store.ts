import {
  EventFilter,
  EventQuery,
  EventsPage,
  OrchestratorEvent,
  parseEventLine,
} from '@orchestrator/events-contract';
import { toTimestamp } from '../event/event-time';
import { acceptor, clampLimit } from '../event/history-query';
import { LogFileSet, OpenedFiles, OpenFile } from './log-file-set';
import { firstEventId, seekAfter } from './cursor.seek';
import { LineIndexCache } from './line-index';
import { LineVisitor, scanBackward, scanForward, visitSpans } from './line-scanner';

/** One page of history, in chronological order, and what reading it met. */
export interface EventPage extends EventsPage {
  /** Torn or corrupt lines passed over while reading. */
  skipped_lines: number;
  /** Present (true) when a history source other than the files could not answer: see `EventHistory.query`. */
  partial?: boolean;
}

interface Scan {
  accept: (event: OrchestratorEvent) => boolean;
  want: number;
  skipped: number;
  /**
   * Visits the lines of one file that may match, newest first when `backward`; forward, from the
   * line starting at byte `from` (default 0).
   */
  lines: (file: OpenFile, backward: boolean, visit: LineVisitor, from?: number) => Promise<void>;
}

/**
 * Reads history from the current file and its rotated backups. The files are opened together in one
 * synchronous step, right after the writer's queue was written out: a rotation during the read
 * cannot make it skip or repeat a file, and everything logged before the query is visible.
 */
export class EventStore {
  /** Where each task and run is in each file: kept across queries, extended as files grow. */
  private readonly indexes = new LineIndexCache();

  /**
   * @param files the current file and its backups (`new LogFileSet(file, maxFiles, rotations)`).
   * @param beforeRead called first, synchronously, by every read: the writer writes out its queue
   *   there, so a read sees everything logged before it.
   */
  constructor(
    private readonly files: LogFileSet,
    private readonly beforeRead: () => void = () => undefined,
  ) {}

  /** One page of matching events, in chronological order. Torn lines are skipped and counted. */
  async query(query: EventQuery = {}): Promise<EventPage> {
    const limit = clampLimit(query.limit);
    const since = query.since === undefined ? undefined : toTimestamp(query.since);
    const until = query.until === undefined ? undefined : toTimestamp(query.until);
    const scan: Scan = {
      accept: acceptor(query),
      want: limit + 1,
      skipped: 0,
      lines: this.lineSource(query),
    };
    const { files, release } = this.openAll();
    try {
      const found =
        query.after === undefined
          ? await newestFirst(files, scan, since)
          : await oldestAfter(files, scan, query.after, until);
      const events = found.slice(0, limit);
      if (query.after === undefined) events.reverse();
      return { events, has_more: found.length > limit, skipped_lines: scan.skipped };
    } finally {
      release();
    }
  }

  /**
   * Builds the line indexes of every file now, so that the first filtered query after a start does
   * not pay for reading the whole retention. Reads asynchronously, a chunk at a time.
   */
  async warm(): Promise<void> {
    const { files, release } = this.openAll();
    try {
      for (const file of files) await this.indexes.forFile(file.fd, file.key, file.size);
    } finally {
      release();
    }
  }

  /** The id of the oldest event still kept (first line of the oldest file), if any. */
  async oldestId(): Promise<string | undefined> {
    const { files, release } = this.openAll();
    try {
      for (let i = files.length - 1; i >= 0; i--) {
        const id = await firstId(files[i]);
        if (id !== undefined) return id;
      }
      return undefined;
    } finally {
      release();
    }
  }

  /**
   * How a query reads a file: with a task or run filter, only the lines the index lists for that id;
   * otherwise a scan of raw bytes for the most selective needle (an event name), parsing only hits.
   */
  private lineSource(query: EventQuery): Scan['lines'] {
    const { task_id, run_id } = query;
    if (task_id === undefined && run_id === undefined) {
      const needle = needleFor(query);
      return (file, backward, visit, from = 0) =>
        backward
          ? scanBackward(file.fd, file.size, visit, needle)
          : scanForward(file.fd, from, file.size, visit, needle);
    }
    return async (file, backward, visit, from = 0) => {
      const index = await this.indexes.forFile(file.fd, file.key, file.size);
      const spans = index.candidates(task_id, run_id);
      if (!spans) return;
      const first = from === 0 ? 0 : firstAtOrAfter(spans.starts, from);
      const starts = first === 0 ? spans.starts : spans.starts.slice(first);
      const ends = first === 0 ? spans.ends : spans.ends.slice(first);
      visitSpans(file.fd, starts, ends, backward, visit);
      // The index stops at the last complete line: a torn tail is no event anyway.
    };
  }

  private openAll(): OpenedFiles {
    this.beforeRead();
    const opened = this.files.open();
    this.indexes.retain(new Set(opened.files.map((f) => f.key)));
    return opened;
  }
}

/** Newest first until `want` matches, or until timestamps fall below `since`. */
async function newestFirst(
  files: OpenFile[],
  scan: Scan,
  since: string | undefined,
): Promise<OrchestratorEvent[]> {
  const out: OrchestratorEvent[] = [];
  let lastId: string | undefined;
  let done = false;
  for (const file of files) {
    await scan.lines(file, true, (buf, start, end) => {
      const event = parseLine(buf, start, end, scan);
      // Ids only decrease going back; anything else is a duplicate left by a crash mid-rotation.
      if (!event || (lastId !== undefined && event.event_id >= lastId)) return true;
      lastId = event.event_id;
      if (since !== undefined && event.timestamp < since) {
        done = true;
      } else if (scan.accept(event)) {
        done = out.push(event) >= scan.want;
      }
      return !done;
    });
    if (done) break;
  }
  return out;
}

/**
 * Oldest first, from the newest file that starts at or below `after`, and in that file from the
 * line `seekAfter` finds by bisection: the lines before the cursor are neither read nor parsed.
 */
async function oldestAfter(
  files: OpenFile[],
  scan: Scan,
  after: string,
  until: string | undefined,
): Promise<OrchestratorEvent[]> {
  let first = files.length - 1;
  for (let i = 0; i < files.length; i++) {
    const oldest = await firstId(files[i]);
    if (oldest !== undefined && oldest <= after) {
      first = i;
      break;
    }
  }
  const out: OrchestratorEvent[] = [];
  let lastId = after;
  let done = false;
  for (let i = first; i >= 0; i--) {
    const from = i === first ? await seekAfter(files[i].fd, files[i].size, after) : 0;
    await scan.lines(
      files[i],
      false,
      (buf, start, end) => {
        const event = parseLine(buf, start, end, scan);
        if (!event || event.event_id <= lastId) return true;
        lastId = event.event_id;
        if (until !== undefined && event.timestamp >= until) {
          done = true;
        } else if (scan.accept(event)) {
          done = out.push(event) >= scan.want;
        }
        return !done;
      },
      from,
    );
    if (done) break;
  }
  return out;
}

/** The index of the first of `starts` (ascending) at or above `offset`: a bisection. */
function firstAtOrAfter(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid] < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The id of a file's first parseable line. */
function firstId(file: OpenFile): Promise<string | undefined> {
  return firstEventId(file.fd, file.size);
}

function parseLine(
  buf: Buffer,
  start: number,
  end: number,
  counter: { skipped: number },
): OrchestratorEvent | undefined {
  const event = parseEventLine(buf.toString('utf8', start, end));
  // A torn or corrupt line: counted, passed over.
  if (event === undefined) counter.skipped++;
  return event;
}

/**
 * With an event-name filter (one name), the bytes a matching line must contain, as the logger
 * serializes them (`"event":"job_failed"`). A false hit (the text inside a message) is harmless:
 * every candidate is parsed and checked.
 */
function needleFor(filter: EventFilter): Buffer | undefined {
  if (filter.event?.length === 1) return Buffer.from(`"event":${JSON.stringify(filter.event[0])}`);
  return undefined;
}
