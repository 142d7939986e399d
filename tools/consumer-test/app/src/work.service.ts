import { Injectable } from '@nestjs/common';
import { EventLogger, type EventLoggerStats } from '@orchestrator/events';

@Injectable()
export class WorkService {
  constructor(private readonly events: EventLogger) {}

  /** One `log()` and one `track()`: work_received, work_started, work_completed. */
  async run(taskId: string): Promise<{ received: string | undefined; result: number }> {
    const received = this.events.log({
      event: 'work_received',
      task_id: taskId,
      message: 'hello from a consumer app',
      status: 'queued',
    });
    const result = await this.events.track(
      'work',
      { task_id: taskId, run_id: 'run-1' },
      async () => {
        const stats: EventLoggerStats = this.events.stats();
        return stats.logged;
      },
    );
    return { received, result };
  }
}
