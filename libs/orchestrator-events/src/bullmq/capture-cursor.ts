import type Redis from 'ioredis';
import { EventHistory } from '../lib/history/event-history.service';
import { compareStreamIds, isStreamId, laterStreamId } from './stream-id';

/** Names of the events the capture logs: the ones searched for its last position in the log. */
export const CAPTURED_EVENT_NAMES = [
  'job_queued',
  'job_started',
  'job_progress',
  'job_completed',
  'job_failed',
  'job_retrying',
  'job_stalled',
];

/** Pages of the newest captured events searched for this queue's last position. */
const LOG_PAGES = 10;

/**
 * Where a queue's capture resumes: the QueueEvents stream id of the last entry it handled.
 *
 * Exactly once: each logged event carries its entry's id (`bullmq_event_id`), and the cursor is
 * stored in Redis (`<prefix>:<queue>:orchestrator-events:<orch_id>`) only after those events were
 * written to the log file. On start, the later of that key and the newest `bullmq_event_id` of this
 * queue in this instance's own log wins: a crash before the write loses nothing (neither advanced,
 * the entries are read again), a crash between the write and the key skips nothing twice (the log
 * has them). The log is the record; the key covers a log that was rotated away or replaced.
 */
export class CaptureCursor {
  constructor(
    private readonly redis: Redis,
    readonly key: string,
    private readonly history: EventHistory,
    private readonly orchId: string,
    private readonly queue: string,
  ) {}

  async load(): Promise<string | undefined> {
    const stored = await this.redis.get(this.key);
    return laterStreamId(isStreamId(stored) ? stored : undefined, await this.newestLogged());
  }

  async save(id: string): Promise<void> {
    await this.redis.set(this.key, id);
  }

  /** The newest `bullmq_event_id` of this queue logged by this instance, if within reach. */
  private async newestLogged(): Promise<string | undefined> {
    let before: string | undefined;
    for (let page = 0; page < LOG_PAGES; page++) {
      const { events, has_more } = await this.history.query({
        event: CAPTURED_EVENT_NAMES,
        limit: 1000,
        ...(before === undefined ? {} : { before }),
      });
      let newest: string | undefined;
      for (const event of events) {
        const id = event['bullmq_event_id'];
        if (event.orch_id !== this.orchId || event['queue'] !== this.queue) continue;
        if (isStreamId(id) && (newest === undefined || compareStreamIds(id, newest) > 0)) {
          newest = id;
        }
      }
      if (newest !== undefined || !has_more || events.length === 0) return newest;
      before = events[0].event_id;
    }
    return undefined;
  }
}
