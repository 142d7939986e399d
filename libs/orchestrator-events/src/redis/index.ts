/*
 * @orchestrator/events/redis: the Redis Stream bus shared by several instances, and its history
 * (optional peer `ioredis`, loaded only from here). See docs/redis.md.
 */
export { OrchestratorEventsRedisModule } from './orchestrator-events-redis.module';
export type { OrchestratorEventsRedisOptions } from './redis.options';
export type { RedisEventBusState } from './redis-event.bus';
