import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EVENT_BUS_PLUGIN } from '../lib/bus/event-bus';
import { HistorySources } from '../lib/history/history-sources.registry';
import { ResolvedOrchestratorEventsOptions } from '../lib/options/orchestrator-events.options';
import { WriteOutScheduler } from '../lib/file/write-out.scheduler';
import { RedisEventBus } from './redis-event.bus';
import { ResolvedRedisOptions } from './redis.options';

/**
 * The Redis Stream bus from the module's options and the core's (`orchId`, `replayBufferSize`),
 * on the core's one scheduler, already connecting (without waiting: the app starts while Redis
 * is down). Nest closes it through its `onApplicationShutdown`.
 */
export function createRedisEventBus(
  redis: ResolvedRedisOptions,
  core: ResolvedOrchestratorEventsOptions,
  scheduler: WriteOutScheduler,
): RedisEventBus {
  const bus = new RedisEventBus({
    url: redis.url,
    stream: redis.stream,
    maxLen: redis.maxLen,
    buffer: redis.buffer,
    orchId: core.orchId,
    replayBufferSize: core.replayBufferSize,
    scheduler,
  });
  bus.start();
  return bus;
}

/**
 * Adds the stream to `EventHistory`'s sources while the module lives: every instance's recent
 * events, merged with this instance's files. Apart from the bus's factory, because the core's
 * sources are made after its bus (the writer, which the file source reads, publishes on it).
 */
@Injectable()
export class RedisHistoryRegistration implements OnModuleInit, OnModuleDestroy {
  private remove: (() => void) | undefined;

  constructor(
    @Inject(EVENT_BUS_PLUGIN) private readonly bus: RedisEventBus,
    private readonly sources: HistorySources,
  ) {}

  onModuleInit(): void {
    this.remove = this.sources.add(this.bus.history);
  }

  onModuleDestroy(): void {
    this.remove?.();
  }
}
