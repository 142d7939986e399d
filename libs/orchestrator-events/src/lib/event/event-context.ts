import { AsyncLocalStorage } from 'node:async_hooks';

/** Ids that events logged inside `EventLogger.withContext()` carry unless the call gives its own. */
export interface EventContext {
  task_id?: string;
  run_id?: string;
}

/** One store per logger instance (not module state), so two loggers never share contexts. */
export class EventContextStore {
  private readonly storage = new AsyncLocalStorage<EventContext>();

  current(): EventContext | undefined {
    return this.storage.getStore();
  }

  /** Runs `fn` with `context` merged over the enclosing one. */
  run<T>(context: EventContext, fn: () => T): T {
    const outer = this.storage.getStore();
    const merged: EventContext = { ...outer };
    if (context.task_id !== undefined) merged.task_id = context.task_id;
    if (context.run_id !== undefined) merged.run_id = context.run_id;
    return this.storage.run(merged, fn);
  }

  /** Runs `fn` outside any context: what it logs carries no caller's ids. */
  outside<T>(fn: () => T): T {
    return this.storage.exit(fn);
  }
}
