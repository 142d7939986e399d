/**
 * Event ids: `<ms>-<seq>-<orch_id>`, e.g. `1764067845123-000042-o-glm`.
 * - `ms`: 13 digits, milliseconds since the epoch of the event's timestamp (never decreasing);
 * - `seq`: 6 digits, the event's rank within that millisecond;
 * - `orch_id`: the instance that logged it, so ids from different instances never collide.
 * Fixed widths make a plain string compare agree with logging order within one orchestrator.
 */
export const EVENT_ID_PATTERN = /^\d{13}-\d{6}-[A-Za-z0-9._-]{1,64}$/;

/**
 * The largest millisecond part an id can hold (13 digits: 2286-11-20T17:46:39.999Z). Loggers clamp
 * their clock to `[0, MAX_EVENT_ID_MS]`, so every id they make matches `EVENT_ID_PATTERN`.
 */
export const MAX_EVENT_ID_MS = 9_999_999_999_999;

/** The parts of an event id, or `undefined` when the text is not one. */
export function parseEventId(id: string): { ms: number; seq: number; orchId: string } | undefined {
  if (!EVENT_ID_PATTERN.test(id)) return undefined;
  return { ms: Number(id.slice(0, 13)), seq: Number(id.slice(14, 20)), orchId: id.slice(21) };
}
