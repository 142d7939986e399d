import { DynamicModule, Module } from '@nestjs/common';
import { EVENT_BUS_PLUGIN } from '../lib/bus/event-bus';
import { ORCH_EVENTS_OPTIONS } from '../lib/shared/orchestrator-events.constants';
import { WriteOutScheduler } from '../lib/file/write-out.scheduler';
import { createRedisEventBus, RedisHistoryRegistration } from './redis-event-bus.factory';
import {
  ORCH_EVENTS_REDIS_OPTIONS,
  REDIS_ASYNC_OPTIONS_TYPE,
  REDIS_MODULE_OPTIONS,
  REDIS_OPTIONS_TYPE,
  RedisConfigurableModule,
} from './redis.module-definition';
import { OrchestratorEventsRedisOptions, resolveRedisOptions } from './redis.options';

/**
 * Scale-out: the event bus becomes a Redis Stream shared by every instance (live events of all of
 * them on each one's streams, resumption on any instance), and the stream a history source. Import
 * it beside `OrchestratorEventsModule.forRoot()`:
 *
 * ```ts
 * OrchestratorEventsRedisModule.forRoot() // url from REDIS_URL, stream from ORCH_REDIS_STREAM
 * ```
 *
 * Global (the core module takes its bus through `EVENT_BUS_PLUGIN`). Needs the optional peer
 * `ioredis`. See docs/redis.md.
 */
@Module({
  providers: [
    {
      provide: ORCH_EVENTS_REDIS_OPTIONS,
      useFactory: (options: OrchestratorEventsRedisOptions) => resolveRedisOptions(options),
      inject: [REDIS_MODULE_OPTIONS],
    },
    {
      provide: EVENT_BUS_PLUGIN,
      useFactory: createRedisEventBus,
      // The core's options and scheduler: the core module is global too.
      inject: [ORCH_EVENTS_REDIS_OPTIONS, ORCH_EVENTS_OPTIONS, WriteOutScheduler],
    },
    RedisHistoryRegistration,
  ],
  exports: [EVENT_BUS_PLUGIN, ORCH_EVENTS_REDIS_OPTIONS],
})
export class OrchestratorEventsRedisModule extends RedisConfigurableModule {
  /** Options default from `REDIS_URL`, `ORCH_REDIS_STREAM`, `ORCH_REDIS_STREAM_MAXLEN`, `ORCH_REDIS_BUFFER`. */
  static override forRoot(options: typeof REDIS_OPTIONS_TYPE = {}): DynamicModule {
    return { ...super.forRoot(options), global: true };
  }

  /** Like `forRoot`, with the options from a factory (e.g. `ConfigService`). */
  static override forRootAsync(options: typeof REDIS_ASYNC_OPTIONS_TYPE): DynamicModule {
    return { ...super.forRootAsync(options), global: true };
  }
}
