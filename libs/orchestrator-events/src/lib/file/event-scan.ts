import { OrchestratorEvent, parseEventLine } from '@orchestrator/events-contract';
import { LogFileSet, OpenFile } from './log-file-set';
import { scanForward } from './line-scanner';

/**
 * Every event the retained files hold, oldest first, for reads that fold the whole history (run
 * records, counts per bucket) rather than page through it. Cost: one pass over the retention,
 * each line parsed once (see the docs for the figure at the default retention).
 */
export class EventFileScan {
  /**
   * @param files the current file and its backups (`new LogFileSet(file, maxFiles, rotations)`).
   * @param beforeRead called first, synchronously, by every scan: the writer writes out its queue
   *   there, so a scan sees everything logged before it.
   */
  constructor(
    private readonly files: LogFileSet,
    private readonly beforeRead: () => void = () => undefined,
  ) {}

  /**
   * Calls `visit` with each event, oldest first, until it returns false. Torn lines are passed over
   * and counted; an id not above the previous one (a duplicate left by a crash mid-rotation) too,
   * silently, as history queries do. With `since` (the logger's timestamp form), files whose
   * events all lie before it are not read (the events of those that are read still come).
   */
  async forEach(
    visit: (event: OrchestratorEvent) => boolean | void,
    since?: string,
  ): Promise<{ skipped_lines: number }> {
    this.beforeRead();
    const { files, release } = this.files.open();
    let skipped = 0;
    let lastId = '';
    let stopped = false;
    try {
      const oldest = since === undefined ? files.length - 1 : await firstToRead(files, since);
      for (let i = oldest; i >= 0 && !stopped; i--) {
        const file = files[i];
        await scanForward(file.fd, 0, file.size, (buf, start, end) => {
          const event = parseEventLine(buf.toString('utf8', start, end));
          if (event === undefined) {
            skipped++;
            return true;
          }
          if (event.event_id <= lastId) return true;
          lastId = event.event_id;
          stopped = visit(event) === false;
          return !stopped;
        });
      }
    } finally {
      release();
    }
    return { skipped_lines: skipped };
  }
}

/**
 * The index (in newest-first `files`) of the oldest file that may hold an event at or after
 * `since`: a file is passed over when the next newer file starts before `since`, since timestamps
 * only grow from one file to the next.
 */
async function firstToRead(files: OpenFile[], since: string): Promise<number> {
  for (let i = 0; i < files.length - 1; i++) {
    const first = await firstTimestamp(files[i]);
    if (first !== undefined && first < since) return i;
  }
  return files.length - 1;
}

/** The timestamp of a file's first parseable line. */
async function firstTimestamp(file: OpenFile): Promise<string | undefined> {
  let timestamp: string | undefined;
  await scanForward(file.fd, 0, file.size, (buf, start, end) => {
    timestamp = parseEventLine(buf.toString('utf8', start, end))?.timestamp;
    return timestamp === undefined;
  });
  return timestamp;
}
