import { BuiltEvent } from '../event/event-line';

/**
 * SSE framing. Only real events carry `id:`; heartbeat and reset frames carry none, so a browser's
 * Last-Event-ID stays on the last real event.
 */

/** The first frame: the reconnection delay a client should use. */
export function retryFrame(ms: number): string {
  return `retry: ${ms}\n\n`;
}

export const HEARTBEAT_FRAME = Buffer.from('event: heartbeat\ndata: {}\n\n');

/** History after the resume id is gone; the stream goes on from the oldest event still kept. */
export function resetFrame(oldestEventId: string | undefined): Buffer {
  const data = JSON.stringify({ oldest_event_id: oldestEventId ?? null });
  return Buffer.from(`event: reset\ndata: ${data}\n\n`);
}

/**
 * Frames are encoded once per event, whatever the number of subscribers: every socket, and every
 * backlog of a slow client, holds a reference to the same bytes instead of a copy of its own. One
 * per hub (its state is the hub's, not the process's).
 */
export class EventFrames {
  private readonly frames = new WeakMap<BuiltEvent, Buffer>();
  /**
   * The bus hands one event to all its subscribers before the next: the last event's frame answers
   * most lookups without the WeakMap's hashing. Two slots rather than one object: nothing
   * allocated per event for the memo itself.
   */
  private lastBuilt: BuiltEvent | undefined;
  private lastFrame: Buffer | undefined;

  /** `id: <event_id>` and `data: <the JSON line>`: the line holds no newline, so one data line. */
  frameOf(built: BuiltEvent): Buffer {
    if (built === this.lastBuilt && this.lastFrame !== undefined) return this.lastFrame;
    let frame = this.frames.get(built);
    if (frame === undefined) {
      frame = Buffer.from(`id: ${built.id}\ndata: ${built.line}\n\n`);
      this.frames.set(built, frame);
    }
    this.lastBuilt = built;
    this.lastFrame = frame;
    return frame;
  }
}
