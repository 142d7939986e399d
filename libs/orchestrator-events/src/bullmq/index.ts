/*
 * @orchestrator/events/bullmq: the life of every job of BullMQ queues as orchestrator events, and
 * the job's context for events logged inside a processor. Needs `OrchestratorEventsModule.forRoot()`
 * in the same app and the optional peers `bullmq` and `ioredis`.
 */
export { OrchestratorEventsBullMQModule } from './orchestrator-events-bullmq.module';
export type { OrchestratorEventsBullMQOptions } from './bullmq.options';
export type { BullMQJobRef, BullMQRunIdSource, BullMQTaskIdSource } from './job-ids';
export { BullMQJobContext, withJobContext } from './bullmq-job-context';
export type { BullMQJobLike } from './bullmq-job-context';
