import 'reflect-metadata';
import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventLogger } from '../lib/write/event-logger.service';
import { OrchestratorEventsModule } from '../lib/orchestrator-events.module';

/** What a job ending on shutdown logs from its own onApplicationShutdown. */
type LateLog = (events: EventLogger, signal?: string) => unknown;

const LATE_LOG = Symbol('LATE_LOG');

@Injectable()
class LateLogger implements OnApplicationShutdown {
  constructor(
    private readonly events: EventLogger,
    @Inject(LATE_LOG) private readonly late: LateLog,
  ) {}
  async onApplicationShutdown(signal?: string): Promise<void> {
    await this.late(this.events, signal);
  }
}

/**
 * For the shutdown tests' child processes: a Nest app with the core on the log file named by the
 * first argument (the environment configures the rest), shutdown hooks on SIGTERM and SIGINT, and
 * another provider that calls `late` from its own onApplicationShutdown. Returns its EventLogger.
 */
export async function startChildApp(late: LateLog, useProcessExit: boolean): Promise<EventLogger> {
  @Module({
    imports: [OrchestratorEventsModule.forRoot({ logFile: process.argv[2] })],
    providers: [LateLogger, { provide: LATE_LOG, useValue: late }],
  })
  class ChildModule {}
  const app = await NestFactory.createApplicationContext(ChildModule, { logger: false });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit });
  return app.get(EventLogger);
}
