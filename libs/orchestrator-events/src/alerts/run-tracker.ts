import { foldRun, OrchestratorEvent, RunRecord } from '@orchestrator/events-contract';

/** A run as the alerts see it: the contract's record, and when and how it was last heard of. */
export interface TrackedRun {
  record: RunRecord;
  /** `Date.now()` when its last event arrived here. */
  seenAt: number;
  /** Name of its last event. */
  lastEvent: string;
  /** Rules that already fired for it here (stuck alerts fire once per silence). */
  fired: Set<string>;
}

/**
 * The runs of the live events, folded with the contract's run rules (`foldRun`), at most `maxRuns`
 * of them: a Map in order of last activity, so the least recently active is forgotten first and
 * the stuck scan stops at the first run heard of recently.
 */
export class RunTracker {
  private readonly runs = new Map<string, TrackedRun>();

  constructor(private readonly maxRuns: number) {}

  /**
   * Folds the event into its run; returns the run and whether this event made it `failed`, or
   * `undefined` for an event of no run.
   */
  add(event: OrchestratorEvent): { run: TrackedRun; becameFailed: boolean } | undefined {
    const runId = event.run_id;
    if (typeof runId !== 'string' || runId === '') return undefined;
    const known = this.runs.get(runId);
    const before = known?.record.status;
    const record = foldRun(known?.record, event) as RunRecord;
    const run: TrackedRun = known ?? {
      record,
      seenAt: 0,
      lastEvent: event.event,
      fired: new Set(),
    };
    run.seenAt = Date.now();
    run.lastEvent = event.event;
    // Moved to the end: the Map stays in order of last activity.
    this.runs.delete(runId);
    this.runs.set(runId, run);
    if (this.runs.size > this.maxRuns) this.runs.delete(this.runs.keys().next().value as string);
    return { run, becameFailed: record.status === 'failed' && before !== 'failed' };
  }

  /** Running runs silent since before `silentSince`, oldest first. */
  *silent(silentSince: number): Generator<TrackedRun> {
    for (const run of this.runs.values()) {
      if (run.seenAt > silentSince) return;
      if (run.record.status === 'running') yield run;
    }
  }

  get size(): number {
    return this.runs.size;
  }
}
