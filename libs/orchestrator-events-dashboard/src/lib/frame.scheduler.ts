/** A part of the page redrawn about every `everyMs`. */
export interface FrameTask {
  name: string;
  everyMs: number;
  run(): void;
}

/**
 * Redraws the page's parts on animation frames, at most one part per frame, the most overdue
 * first (in shares of its interval): the costs of the timeline, the list and the chart never add
 * up in one frame, which keeps every frame short under a flood of events.
 */
export class FrameScheduler {
  private readonly last = new Map<string, number>();
  /** Longest run of each task so far, in ms (for the snapshot). */
  readonly longestMs: Record<string, number> = {};
  /** The sleep until the next due task (`start()`), cut short by `hurry()`. */
  private sleep?: ReturnType<typeof setTimeout>;
  private wake?: () => void;

  constructor(
    private readonly tasks: readonly FrameTask[],
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** One frame at time `now`: runs the most overdue due task; returns its name, if any. */
  tick(now: number): string | undefined {
    let pick: FrameTask | undefined;
    let most = -1;
    for (const task of this.tasks) {
      const last = this.last.get(task.name);
      const overdue = last === undefined ? Infinity : (now - last - task.everyMs) / task.everyMs;
      if (overdue >= 0 && overdue > most) {
        pick = task;
        most = overdue;
      }
    }
    if (pick === undefined) return undefined;
    this.last.set(pick.name, now);
    const started = this.clock();
    pick.run();
    const took = this.clock() - started;
    if (took > (this.longestMs[pick.name] ?? 0)) this.longestMs[pick.name] = took;
    return pick.name;
  }

  /** When the next task is due (`now` when one already is). */
  nextDue(now: number): number {
    let next = Infinity;
    for (const task of this.tasks) {
      const last = this.last.get(task.name);
      next = Math.min(next, last === undefined ? now : last + task.everyMs);
    }
    return Math.max(now, next);
  }

  /**
   * Makes `names` due now (new data to draw: not at their next turn, up to an interval later),
   * and wakes `start()`'s loop if it sleeps.
   */
  hurry(...names: string[]): void {
    for (const name of names) this.last.delete(name);
    if (this.sleep === undefined) return;
    clearTimeout(this.sleep);
    this.sleep = undefined;
    this.wake?.();
  }

  /**
   * Ticks from now on: sleeps until a task is due, then runs it in an animation frame. Frames are
   * asked for only when there is something to draw (an idle page costs no frames).
   */
  start(): void {
    const wake = () => {
      const now = performance.now();
      this.sleep = setTimeout(
        () => {
          this.sleep = undefined;
          requestAnimationFrame((t) => {
            this.tick(t);
            wake();
          });
        },
        this.nextDue(now) - now,
      );
    };
    this.wake = wake;
    wake();
  }
}
