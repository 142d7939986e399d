/**
 * Child process for the BullMQ restart test: an app that records one queue's jobs
 * (`OrchestratorEventsBullMQModule`) into a log file, says "ready" once it reads the queue's
 * events, and runs until it is killed or stopped.
 *
 * usage: bullmq-capture-child.ts <logFile> <queue>
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { OrchestratorEventsBullMQModule } from '../bullmq/orchestrator-events-bullmq.module';
import { OrchestratorEventsModule } from '../lib/orchestrator-events.module';

const [logFile, queue] = process.argv.slice(2);

@Module({
  imports: [
    OrchestratorEventsModule.forRoot({ logFile, env: {}, controller: false }),
    OrchestratorEventsBullMQModule.forRoot({
      queues: [queue],
      connection: 'redis://127.0.0.1:6379',
    }),
  ],
})
class ChildModule {}

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(ChildModule, {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks(['SIGTERM'], { useProcessExit: true });
  process.stdout.write('ready\n');
}

void main();
