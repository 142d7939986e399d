import { DynamicModule, Module } from '@nestjs/common';
import { AppLogger } from './app-logger.service';
import { EventBus } from './bus/event-bus';
import { MemoryEventBus } from './bus/memory-event.bus';
import { createRedisEventBus } from './bus/redis-event-bus.factory';
import { EventLogger } from './event-logger.service';
import { prepareLogDirectory } from './file/log-directory';
import { LogFileLock } from './file/log-file.lock';
import { settingOf } from './options/resolve-options';
import { EventsAccessGuard } from './http/events-access.guard';
import { SseFastPath } from './http/sse-fast-path.service';
import { SseHub } from './http/sse-hub.service';
import { ORCH_EVENTS_OPTIONS } from './orchestrator-events.constants';
import {
  ASYNC_OPTIONS_TYPE,
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN,
  OPTIONS_TYPE,
} from './orchestrator-events.module-definition';
import {
  OrchestratorEventsModuleOptions,
  resolveOptions,
  ResolvedOrchestratorEventsOptions,
} from './orchestrator-events.options';

/**
 * Registers `EventLogger`, the event bus, `AppLogger` and the events controller
 * (`GET <prefix>/orchestrator/events` and `/stream`). Global by default, so any module can inject
 * `EventLogger` after one `OrchestratorEventsModule.forRoot()` in the root module.
 */
@Module({
  providers: [
    {
      provide: ORCH_EVENTS_OPTIONS,
      useFactory: (options: OrchestratorEventsModuleOptions) => resolveOptions(options),
      inject: [MODULE_OPTIONS_TOKEN],
    },
    {
      provide: EventBus,
      // REDIS_URL set: the Redis Stream shared by every instance; else the in-process bus.
      useFactory: (options: ResolvedOrchestratorEventsOptions): EventBus =>
        options.redisUrl === undefined
          ? new MemoryEventBus(options.replayBufferSize)
          : createRedisEventBus(options.redisUrl, options),
      inject: [ORCH_EVENTS_OPTIONS],
    },
    {
      provide: LogFileLock,
      // Before EventLogger opens the file: a second process on it stops here, with the holder's pid.
      useFactory: (options: ResolvedOrchestratorEventsOptions) => {
        prepareLogDirectory(options.logFile, settingOf(options, 'logFile'));
        return LogFileLock.acquire(options.logFile);
      },
      inject: [ORCH_EVENTS_OPTIONS],
    },
    EventLogger,
    SseHub,
    SseFastPath,
    EventsAccessGuard,
    AppLogger,
  ],
  exports: [EventLogger, EventBus, SseHub, SseFastPath, AppLogger, ORCH_EVENTS_OPTIONS],
})
export class OrchestratorEventsModule extends ConfigurableModuleClass {
  /**
   * Options default from the environment (see `OrchestratorEventsModuleOptions`); global unless
   * `isGlobal: false`; `controller: false` registers no endpoints, `controller: { path }` moves them.
   */
  static override forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot({ isGlobal: true, ...options });
  }

  /** Like `forRoot`, with options from a factory (`useFactory`, `useClass` or `useExisting`). */
  static override forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return super.forRootAsync({ isGlobal: true, ...options });
  }
}
