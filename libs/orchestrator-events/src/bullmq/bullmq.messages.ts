/** Every text of the BullMQ module's start-up errors: what each option allows. */
export const BULLMQ_MESSAGES = {
  queues: 'expected an array of queue names (non-empty, without ":")',
  connection: 'expected a redis:// URL, ioredis options or an ioredis client',
  prefix: 'expected a non-empty string',
  idSource: (keyword: string) =>
    `expected '${keyword}', { dataField: '<field of job.data>' } or a function`,
} as const;
