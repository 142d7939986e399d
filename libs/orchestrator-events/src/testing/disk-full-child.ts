/**
 * Child process for the full-disk shutdown test: a Nest app whose event log (first argument) is on
 * a small file system. It logs batches of events until writing fails and at least 300 wait in
 * memory, says "full <count logged>", and waits for SIGTERM. Another provider logs one more event
 * from its own onApplicationShutdown, as jobs ending on shutdown do. The environment configures it.
 * With `reraise` as second argument, Nest ends the process by re-raising the signal instead.
 */
import 'reflect-metadata';
import { Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventLogger } from '../lib/write/event-logger.service';
import { OrchestratorEventsModule } from '../lib/orchestrator-events.module';

@Injectable()
class LateLogger implements OnApplicationShutdown {
  constructor(private readonly events: EventLogger) {}
  onApplicationShutdown(signal?: string): void {
    this.events.error('job_failed', { task_id: 'late', signal, message: 'shutdown' });
  }
}

@Module({
  imports: [OrchestratorEventsModule.forRoot({ logFile: process.argv[2] })],
  providers: [LateLogger],
})
class ChildModule {}

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(ChildModule, { logger: false });
  // `reraise` as second argument: Nest re-raises the signal after the hooks (no exit handler runs).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: process.argv[3] !== 'reraise' });
  const events = app.get(EventLogger);
  let n = 0;
  const fill = () => {
    for (let i = 0; i < 50; i++) {
      events.info('fill', { task_id: `t-${n % 8}`, n: n++, pad: 'x'.repeat(300) });
    }
    const stats = events.stats();
    if (stats.writeErrors > 0 && stats.pending >= 300) {
      process.stdout.write(`full ${n}\n`);
      return;
    }
    setImmediate(fill);
  };
  fill();
  setInterval(() => undefined, 1000);
}

void main();
