/**
 * Event ids: `<ms>-<seq>-<orch_id>`, e.g. `1764067845123-000042-o-glm`.
 * - `ms`: 13 digits, milliseconds since the epoch of the event's timestamp (never decreasing);
 * - `seq`: 6 digits, the event's rank within that millisecond;
 * - `orch_id`: the instance that logged it, so ids from different instances never collide.
 * Fixed widths make a plain string compare agree with logging order; after a restart the generator
 * continues above the newest id found on disk, even if the clock went back.
 */
export const EVENT_ID_PATTERN = /^\d{13}-\d{6}-[A-Za-z0-9._-]{1,64}$/;

const MAX_SEQ = 999_999;

/** The parts of an event id, or `undefined` when the text is not one. */
export function parseEventId(id: string): { ms: number; seq: number; orchId: string } | undefined {
  if (!EVENT_ID_PATTERN.test(id)) return undefined;
  return { ms: Number(id.slice(0, 13)), seq: Number(id.slice(14, 20)), orchId: id.slice(21) };
}

/** Hands out strictly increasing ids for one orchestrator. */
export class EventIdGenerator {
  private lastMs = -1;
  private seq = 0;
  private msText = '';
  private readonly suffix: string;

  /** @param lastId the newest id already on disk, if any: new ids continue above it. */
  constructor(orchId: string, lastId?: string) {
    this.suffix = `-${orchId}`;
    const last = lastId === undefined ? undefined : parseEventId(lastId);
    if (last) {
      this.lastMs = last.ms;
      this.seq = last.seq;
      this.msText = String(last.ms).padStart(13, '0');
    }
  }

  /** The next id for an event stamped at `us` microseconds since the epoch. */
  next(us: number): string {
    const ms = Math.floor(us / 1000);
    if (ms > this.lastMs) {
      this.lastMs = ms;
      this.seq = 0;
      this.msText = String(ms).padStart(13, '0');
    } else if (++this.seq > MAX_SEQ) {
      // A million events in one millisecond: borrow the next millisecond rather than break the order.
      this.lastMs += 1;
      this.seq = 0;
      this.msText = String(this.lastMs).padStart(13, '0');
    }
    return `${this.msText}-${String(this.seq).padStart(6, '0')}${this.suffix}`;
  }
}
