import { MAX_EVENT_ID_MS, parseEventId } from '@orchestrator/events-contract';
import { DIGITS3 } from './event-clock';
import { EventIdsExhaustedError } from '../shared/orchestrator-events.errors';

export { EventIdsExhaustedError };

const MAX_SEQ = 999_999;

/**
 * Hands out strictly increasing ids for one orchestrator (format: `EVENT_ID_PATTERN` in the
 * contract library). After a restart it continues above the newest id found on disk, even if the
 * clock went back.
 */
export class EventIdGenerator {
  private lastMs = -1;
  private seq = 0;
  /** The id's millisecond part with its dash: `1795585827193-`, once per millisecond. */
  private msText = '';
  private readonly suffix: string;

  /** @param lastId the newest id already on disk, if any: new ids continue above it. */
  constructor(orchId: string, lastId?: string) {
    this.suffix = `-${orchId}`;
    const last = lastId === undefined ? undefined : parseEventId(lastId);
    if (last) {
      this.lastMs = last.ms;
      this.seq = last.seq;
      this.msText = `${String(last.ms).padStart(13, '0')}-`;
    }
  }

  /**
   * The next id for an event stamped at `us` microseconds since the epoch.
   * @throws EventIdsExhaustedError past the last id the 13-digit format holds, rather than reissue one.
   */
  next(us: number): string {
    const ms = Math.min(Math.max(Math.floor(us / 1000), 0), MAX_EVENT_ID_MS);
    if (ms > this.lastMs) {
      this.lastMs = ms;
      this.seq = 0;
      this.msText = `${String(ms).padStart(13, '0')}-`;
    } else if (++this.seq > MAX_SEQ) {
      // A million events in one millisecond: borrow the next millisecond rather than break the order.
      if (this.lastMs >= MAX_EVENT_ID_MS) {
        this.seq = MAX_SEQ;
        throw new EventIdsExhaustedError();
      }
      this.lastMs += 1;
      this.seq = 0;
      this.msText = `${String(this.lastMs).padStart(13, '0')}-`;
    }
    const seq = this.seq;
    return `${this.msText}${DIGITS3[(seq / 1000) | 0]}${DIGITS3[seq % 1000]}${this.suffix}`;
  }
}
