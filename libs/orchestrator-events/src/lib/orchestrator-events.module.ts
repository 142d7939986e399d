import { DynamicModule, Module } from '@nestjs/common';
import { AppLogger } from './write/app-logger.service';
import { EventBus } from './bus/event-bus';
import { MemoryEventBus } from './bus/memory-event.bus';
import { createRedisEventBus } from './bus/redis-event-bus.factory';
import { EventLogger } from './write/event-logger.service';
import { EventWriter } from './write/event-writer.service';
import { EventHistory } from './history/event-history.service';
import { FileHistorySource } from './history/file-history.source';
import { HISTORY_SOURCES, HistorySource } from './history/history-source';
import { HistorySources } from './history/history-sources.registry';
import { WriteOutScheduler } from './write/write-out.scheduler';
import { prepareLogDirectory } from './file/log-directory';
import { LogFileLock } from './file/log-file.lock';
import { EventsAccessGuard } from './http/events-access.guard';
import { SseFastPath } from './http/sse-fast-path.service';
import { SseHub } from './http/sse-hub.service';
import { ORCH_EVENTS_OPTIONS } from './orchestrator-events.constants';
import { OrchestratorEventsStatus } from './orchestrator-events.status';
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
 * Registers `EventLogger`, `EventHistory`, the event bus, `AppLogger` and the events controller
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
    WriteOutScheduler,
    {
      provide: EventBus,
      // REDIS_URL set: the Redis Stream shared by every instance; else the in-process bus.
      useFactory: (
        options: ResolvedOrchestratorEventsOptions,
        scheduler: WriteOutScheduler,
      ): EventBus =>
        options.redisUrl === undefined
          ? new MemoryEventBus(options.replayBufferSize)
          : createRedisEventBus(options.redisUrl, options, scheduler),
      inject: [ORCH_EVENTS_OPTIONS, WriteOutScheduler],
    },
    {
      provide: LogFileLock,
      // Before the writer opens the file: a second process on it stops here, with the holder's pid.
      useFactory: (options: ResolvedOrchestratorEventsOptions) => {
        prepareLogDirectory(options.logFile, options.sources.logFile);
        return LogFileLock.acquire(options.logFile);
      },
      inject: [ORCH_EVENTS_OPTIONS],
    },
    EventWriter,
    {
      provide: HISTORY_SOURCES,
      // The files always (first: they answer every query); a bus's own history (the Redis stream).
      // More sources (a history store, your own) are added at run time through HistorySources.
      useFactory: (
        options: ResolvedOrchestratorEventsOptions,
        writer: EventWriter,
        bus: EventBus,
      ): HistorySource[] => {
        const files = new FileHistorySource(options.logFile, options.maxFiles, writer);
        // Index the retained files in the background: history queries are fast from the first one.
        setImmediate(() => files.warm().catch(() => undefined));
        return bus.history === undefined ? [files] : [files, bus.history];
      },
      inject: [ORCH_EVENTS_OPTIONS, EventWriter, EventBus],
    },
    HistorySources,
    EventHistory,
    EventLogger,
    SseHub,
    SseFastPath,
    OrchestratorEventsStatus,
    EventsAccessGuard,
    AppLogger,
  ],
  exports: [
    EventLogger,
    EventHistory,
    HistorySources,
    OrchestratorEventsStatus,
    EventBus,
    // Not SseHub nor SseFastPath: internal to the endpoints (their numbers are in the status).
    AppLogger,
    ORCH_EVENTS_OPTIONS,
  ],
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
