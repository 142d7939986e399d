/**
 * Child process for the shutdown test: a Nest app that logs N events in one synchronous burst (so
 * they are still queued), says "logged", and waits for a signal. Another provider logs one more
 * event from its own onApplicationShutdown. With `exit` as third argument it calls `process.exit()`
 * right after the burst instead: no shutdown hook runs, only the process's 'exit' handlers.
 */
import 'reflect-metadata';
import { Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventLogger } from '../lib/write/event-logger.service';
import { OrchestratorEventsModule } from '../lib/orchestrator-events.module';

@Injectable()
class LateLogger implements OnApplicationShutdown {
  constructor(private readonly events: EventLogger) {}
  async onApplicationShutdown(signal?: string): Promise<void> {
    await new Promise((r) => setTimeout(r, 20));
    this.events.info('late_shutdown_event', { signal });
  }
}

@Module({
  imports: [OrchestratorEventsModule.forRoot({ logFile: process.argv[2] })],
  providers: [LateLogger],
})
class ChildModule {}

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(ChildModule, { logger: false });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  const events = app.get(EventLogger);
  const count = Number(process.argv[3]);
  for (let n = 0; n < count; n++) events.info('burst', { task_id: `t-${n % 10}`, n });
  if (process.argv[4] === 'exit') process.exit(0);
  process.stdout.write('logged\n');
  setInterval(() => undefined, 1000);
}

void main();
