/** One entry of a queue's QueueEvents stream, as the capture handles it. */
export interface QueueEventEntry {
  /** The stream entry id (`<ms>-<seq>`): the capture's cursor. */
  id: string;
  /** BullMQ's event name: `added`, `waiting`, `active`, `progress`, `completed`, `failed`, ... */
  event: string;
  jobId: string | undefined;
  /** The entry's other fields (`prev`, `returnvalue`, `failedReason`, `data`, `delay`, ...). */
  args: Record<string, unknown>;
}

/** The QueueEvents events the capture listens to; others (drained, paused, ...) carry no job transition. */
export const CAPTURED_EVENTS = [
  'added',
  'waiting',
  'delayed',
  'active',
  'progress',
  'completed',
  'failed',
  'retries-exhausted',
  'stalled',
  'removed',
] as const;

/** An entry from `XRANGE` (field/value pairs), decoded like QueueEvents decodes it. */
export function entryFromFields(id: string, fields: string[]): QueueEventEntry {
  const args: Record<string, unknown> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) args[fields[i]] = fields[i + 1];
  const { event, jobId, ...rest } = args;
  return {
    id,
    event: String(event),
    jobId: typeof jobId === 'string' ? jobId : undefined,
    args: rest,
  };
}
