/**
 * Redis stream entry ids (`<ms>-<seq>`): BullMQ's QueueEvents stream orders a queue's transitions
 * by them, and the capture's cursor is one.
 */

/** The id's two parts; `undefined` for anything that is not a complete stream id. */
function parts(id: string): [number, number] | undefined {
  const match = /^(\d+)-(\d+)$/.exec(id);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

export function isStreamId(id: unknown): id is string {
  return typeof id === 'string' && parts(id) !== undefined;
}

/** Negative, zero or positive as `a` comes before, is, or comes after `b` in the stream. */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = parts(a) ?? [0, 0];
  const [bm, bs] = parts(b) ?? [0, 0];
  return am - bm || as - bs;
}

/** The later of two ids, either of which may be missing. */
export function laterStreamId(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareStreamIds(a, b) >= 0 ? a : b;
}

/** The Redis server time (ms) at which the entry was added. */
export function streamIdMs(id: string): number {
  return parts(id)?.[0] ?? 0;
}
