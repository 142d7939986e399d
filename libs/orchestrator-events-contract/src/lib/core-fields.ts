/**
 * Fields the logger owns: a caller's extra field never overwrites them. Listed in the order they
 * stand first on every line (the event-line spec checks it).
 */
export const CORE_FIELDS: ReadonlySet<string> = new Set([
  'timestamp',
  'level',
  'logger',
  'event',
  'event_id',
  'orch_id',
]);

/**
 * Fields with a meaning of their own besides the core ones (`task_id`, `run_id`, `status`,
 * `message`): every other field of an event is one of the caller's extra fields.
 */
export const NAMED_FIELDS: ReadonlySet<string> = new Set([
  ...CORE_FIELDS,
  'task_id',
  'run_id',
  'status',
  'message',
]);
