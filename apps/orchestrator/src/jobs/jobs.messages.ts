/** The demo's job endpoint's own refusals (the field rules' messages are on `CreateJobDto`). */
export const JOBS_MESSAGES = {
  /** Any JSON text other than an object (null, an array, a string, a number, a boolean), or a body no parser read. */
  bodyNotObject: 'body must be a JSON object',
} as const;
