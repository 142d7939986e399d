import { BuiltEvent } from '../event-line';

/**
 * SSE framing. Only real events carry `id:`; heartbeat and reset frames carry none, so a browser's
 * Last-Event-ID stays on the last real event.
 */

/** The first frame: the reconnection delay a client should use. */
export function retryFrame(ms: number): string {
  return `retry: ${ms}\n\n`;
}

export const HEARTBEAT_FRAME = 'event: heartbeat\ndata: {}\n\n';

/** History after the resume id is gone; the stream goes on from the oldest event still kept. */
export function resetFrame(oldestEventId: string | undefined): string {
  return `event: reset\ndata: ${JSON.stringify({ oldest_event_id: oldestEventId ?? null })}\n\n`;
}

/** Frames are built once per event, whatever the number of subscribers. */
const frames = new WeakMap<BuiltEvent, string>();

/** `id: <event_id>` and `data: <the JSON line>`: the line holds no newline, so one data line. */
export function eventFrame(built: BuiltEvent): string {
  let frame = frames.get(built);
  if (frame === undefined) {
    frame = `id: ${built.id}\ndata: ${built.line}\n\n`;
    frames.set(built, frame);
  }
  return frame;
}
