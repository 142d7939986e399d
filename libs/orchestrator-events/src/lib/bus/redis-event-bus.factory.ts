import { ResolvedOrchestratorEventsOptions } from '../orchestrator-events.options';
import { WriteOutScheduler } from '../write/write-out.scheduler';
import { RedisEventBus } from './redis-event.bus';

/**
 * The Redis Stream bus from the resolved options, already connecting (without waiting: the app
 * starts while Redis is down). Nest closes it through its `onApplicationShutdown`.
 */
export function createRedisEventBus(
  url: string,
  options: ResolvedOrchestratorEventsOptions,
  scheduler: WriteOutScheduler,
): RedisEventBus {
  const bus = new RedisEventBus({
    url,
    stream: options.redisStream,
    maxLen: options.redisStreamMaxLen,
    buffer: options.redisBuffer,
    orchId: options.orchId,
    replayBufferSize: options.replayBufferSize,
    scheduler,
  });
  bus.start();
  return bus;
}
