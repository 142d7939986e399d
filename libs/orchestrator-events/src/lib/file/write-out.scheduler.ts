/**
 * The one place that decides when queued events are written out: at the end of the current
 * event-loop turn (`schedule`), and when the process exits (`onExit`). The batcher, the file
 * writer and the Redis bus each queue their own work and register a flush here; one
 * `setImmediate` per turn and one `process.on('exit')` listener serve them all, and flushes
 * scheduled while others run (the batcher's lines reaching the writer) run in the same pass.
 *
 * One instance per module (a provider), not module-level state: two apps in one process (tests,
 * several Nest apps) keep separate queues.
 */
export class WriteOutScheduler {
  private queue: (() => void)[] = [];
  /** Scheduled and not run yet. */
  private readonly queued = new Set<() => void>();
  private armed = false;
  private readonly exitFlushes = new Set<() => void>();
  private readonly runExit = () => {
    for (const flush of this.exitFlushes) safely(flush);
  };

  /**
   * Runs `flush` once at the end of this event-loop turn, after the flushes scheduled before it.
   * Scheduling the same function again before it ran does nothing.
   */
  schedule(flush: () => void): void {
    if (this.queued.has(flush)) return;
    this.queued.add(flush);
    this.queue.push(flush);
    if (this.armed) return;
    this.armed = true;
    setImmediate(this.run);
  }

  /**
   * Runs `flush` when the process exits (a `process.exit()` right after logging must not lose the
   * turn's events), in registration order: the batcher hands its lines before the writer writes.
   * Returns the function that unregisters it.
   */
  onExit(flush: () => void): () => void {
    if (this.exitFlushes.size === 0) process.on('exit', this.runExit);
    this.exitFlushes.add(flush);
    return () => {
      if (!this.exitFlushes.delete(flush)) return;
      if (this.exitFlushes.size === 0) process.off('exit', this.runExit);
    };
  }

  private readonly run = () => {
    // Still armed while running: flushes scheduled now join this pass (the index reaches them).
    const queue = this.queue;
    for (let i = 0; i < queue.length; i++) {
      this.queued.delete(queue[i]);
      safely(queue[i]);
    }
    this.queue = [];
    this.armed = false;
  };
}

/** A flush never throws into the loop (each one reports its own errors); this is the last guard. */
function safely(flush: () => void): void {
  try {
    flush();
  } catch {
    // Each queue handles and counts its own failures; nothing else can be done from a timer.
  }
}
