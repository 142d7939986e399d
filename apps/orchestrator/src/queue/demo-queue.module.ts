import { Module } from '@nestjs/common';
import { OrchestratorEventsBullMQModule } from '@orchestrator/events/bullmq';
import { DEMO_REDIS, DemoRedis, DemoRedisModule } from './demo-redis';
import { DemoWorker } from './demo-worker.service';

/**
 * The BullMQ integration in the demo: the `orchestrator-demo` queue's (or `DEMO_QUEUE`'s) jobs, from any producer, are
 * recorded as events (and so shown on the dashboard) and worked on by `DemoWorker`; both only when
 * Redis answers at startup (`REDIS_URL`, else 127.0.0.1:6379).
 */
@Module({
  imports: [
    DemoRedisModule,
    OrchestratorEventsBullMQModule.forRootAsync({
      imports: [DemoRedisModule],
      inject: [DEMO_REDIS],
      // With no Redis: no queues, so the capture loads and connects nothing.
      useFactory: (redis: DemoRedis) => ({
        queues: redis.up ? [redis.queue] : [],
        connection: redis.url,
      }),
    }),
  ],
  providers: [DemoWorker],
})
export class DemoQueueModule {}
