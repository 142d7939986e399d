import { DynamicModule, Module } from '@nestjs/common';
import { AppLogger } from './write/app-logger.service';
import { EVENT_BUS_PLUGIN, EventBus } from './bus/event-bus';
import { MemoryEventBus } from './bus/memory-event.bus';
import { EventLogger } from './write/event-logger.service';
import { EventWriter } from './write/event-writer.service';
import { EventHistory } from './history/event-history.service';
import { FileHistorySource } from './history/file-history.source';
import { HISTORY_SOURCES, HistorySource } from './history/history-source';
import { HistorySources } from './history/history-sources.registry';
import { WriteOutScheduler } from './file/write-out.scheduler';
import { prepareLogDirectory } from './file/log-directory';
import { LogFileLock } from './file/log-file.lock';
import { EventsAccessGuard } from './http/events-access.guard';
import { SseFastPath } from './http/sse-fast-path.service';
import { SseHub } from './http/sse-hub.service';
import { ORCH_EVENTS_OPTIONS, ORCH_EVENTS_ROUTE } from './shared/orchestrator-events.constants';
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
} from './options/orchestrator-events.options';

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
      // A bus a global module plugs in (the Redis Stream shared by every instance, your own);
      // else the in-process bus.
      useFactory: (options: ResolvedOrchestratorEventsOptions, plugged?: EventBus): EventBus =>
        plugged ?? new MemoryEventBus(options.replayBufferSize),
      inject: [ORCH_EVENTS_OPTIONS, { token: EVENT_BUS_PLUGIN, optional: true }],
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
      // The files, always. More sources (the Redis stream, a history store, your own) are added
      // at run time through HistorySources.
      useFactory: (
        options: ResolvedOrchestratorEventsOptions,
        writer: EventWriter,
      ): HistorySource[] => {
        const files = new FileHistorySource(options.logFile, options.maxFiles, writer);
        // Index the retained files in the background: history queries are fast from the first one.
        setImmediate(() => files.warm().catch(() => undefined));
        return [files];
      },
      inject: [ORCH_EVENTS_OPTIONS, EventWriter],
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
    // Where the endpoints are and their guards: the dashboard module serves its page behind them.
    ORCH_EVENTS_ROUTE,
    // For a plugged-in bus (the Redis module's): its writes go out on the core's one scheduler.
    WriteOutScheduler,
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
