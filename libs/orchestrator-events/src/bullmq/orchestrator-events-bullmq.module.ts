import { DynamicModule, Module } from '@nestjs/common';
import { BullMQEventCapture } from './bullmq-event-capture.service';
import { BullMQJobContext } from './bullmq-job-context';
import {
  BULLMQ_ASYNC_OPTIONS_TYPE,
  BULLMQ_MODULE_OPTIONS,
  BULLMQ_OPTIONS_TYPE,
  BullMQConfigurableModule,
  ORCH_EVENTS_BULLMQ_OPTIONS,
} from './bullmq.module-definition';
import { OrchestratorEventsBullMQOptions, resolveBullMQOptions } from './bullmq.options';

/**
 * Records the life of every job of the given BullMQ queues as orchestrator events (`job_queued`,
 * `job_started`, `job_progress`, `job_completed`, `job_failed`, `job_retrying`, `job_stalled`),
 * whichever process runs the workers, with no code in the processors. Import it beside
 * `OrchestratorEventsModule.forRoot()`:
 *
 * ```ts
 * OrchestratorEventsBullMQModule.forRoot({ queues: ['render'], connection: 'redis://127.0.0.1:6379' })
 * ```
 *
 * Needs the optional peers `bullmq` (5 or 6) and `ioredis`. Global by default, for
 * `BullMQJobContext`.
 */
@Module({
  providers: [
    {
      provide: ORCH_EVENTS_BULLMQ_OPTIONS,
      useFactory: (options: OrchestratorEventsBullMQOptions) => resolveBullMQOptions(options),
      inject: [BULLMQ_MODULE_OPTIONS],
    },
    BullMQEventCapture,
    BullMQJobContext,
  ],
  exports: [BullMQJobContext],
})
export class OrchestratorEventsBullMQModule extends BullMQConfigurableModule {
  /** Records the queues of `options.queues`; see `OrchestratorEventsBullMQOptions`. */
  static override forRoot(options: typeof BULLMQ_OPTIONS_TYPE): DynamicModule {
    return super.forRoot(options);
  }

  /** Like `forRoot`, with the options from a factory (e.g. `ConfigService`). */
  static override forRootAsync(options: typeof BULLMQ_ASYNC_OPTIONS_TYPE): DynamicModule {
    return super.forRootAsync(options);
  }
}
