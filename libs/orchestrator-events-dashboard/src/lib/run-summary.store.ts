import {
  foldRun,
  OrchestratorEvent,
  RunRecord,
  RunStatus as RecordStatus,
  runStatusOf,
} from '@orchestrator/events-contract';
import { eventTimeMs } from './event.format';

/** Where a run stands: what the bar's colour says (`unknown` until an event says). */
export type RunStatus = RecordStatus | 'unknown';

/** What the timeline, the failures panel and the run view header know of one run. */
export interface RunSummary {
  readonly runId: string;
  taskId: string | undefined;
  /** First event seen (or end - `duration_ms` when the start was before the history loaded). */
  startMs: number;
  /** Set once the run ended (success or failure). */
  endMs: number | undefined;
  /** Last event seen. */
  lastMs: number;
  status: RunStatus;
  /** The `status` field as logged, when there was one. */
  statusText: string | undefined;
  /** Highest `step` seen (0: none). */
  step: number;
  /** `steps` as logged (the total), when known. */
  steps: number | undefined;
  /** Times of step events, thinned to at most `MAX_MARKS`, for the marks on the bar. */
  marks: number[];
  /** Why it failed: the failing event's `error.message`, `error`, `reason` or `message`. */
  reason: string | undefined;
  /** The run record's `duration_ms`: the final event's own, else its end minus its start. */
  durationMs: number | undefined;
  /** Events of the run seen so far. */
  events: number;
  lastEventId: string;
  /** Selected by a level/event filter: one of its events matched it. */
  matched: boolean;
  /** The run as the server's run records say it, folded by the contract's run rules. */
  record?: RunRecord;
}

/** Step marks kept per run: enough to show progress, bounded for runs of thousands of steps. */
export const MAX_MARKS = 64;
/** Runs kept by default; beyond, the oldest finished ones are dropped first. */
export const DEFAULT_MAX_RUNS = 1000;

/**
 * The status an event gives its run: the contract's run rule, which the server's run records
 * follow too.
 */
export const statusOf = runStatusOf;

/**
 * Run summaries folded from events (any order within a run's lifetime), bounded to `maxRuns`.
 * Each event costs a map lookup and a few comparisons: it keeps up with thousands per second.
 */
export class RunSummaryStore {
  private readonly runs = new Map<string, RunSummary>();
  /** Runs a narrowing filter selected before their first event reached this store. */
  private readonly pendingMatches = new Set<string>();
  /** Bumped on every change: views redraw only when it moved. */
  version = 0;

  constructor(private readonly maxRuns = DEFAULT_MAX_RUNS) {}

  get size(): number {
    return this.runs.size;
  }

  get(runId: string): RunSummary | undefined {
    return this.runs.get(runId);
  }

  clear(): void {
    this.runs.clear();
    this.pendingMatches.clear();
    this.version++;
  }

  /**
   * Folds one event in; events without `run_id` belong to no run. Status, end, reason, steps and
   * duration come from the contract's `foldRun` (the server's rules); the times in ms, the marks
   * and the start placed by a duration are this page's.
   */
  add(event: OrchestratorEvent): void {
    const runId = event.run_id;
    if (typeof runId !== 'string' || runId === '') return;
    const t = eventTimeMs(event);
    let run = this.runs.get(runId);
    if (run === undefined) run = this.create(runId, t);
    const record = foldRun(run.record, event) as RunRecord;
    run.record = record;
    this.version++;
    run.events = record.events;
    if (t < run.startMs) run.startMs = t;
    if (t >= run.lastMs) {
      run.lastMs = t;
      run.lastEventId = event.event_id;
    }
    run.taskId = record.task_id;
    run.steps = record.steps_total;
    run.step = record.steps_done;
    if (typeof event['step'] === 'number') {
      if (run.marks.length >= MAX_MARKS) run.marks = run.marks.filter((_, i) => i % 2 === 0);
      run.marks.push(t);
    }
    if (runStatusOf(event) === undefined) return;
    if (typeof event.status === 'string') run.statusText = event.status;
    run.status = record.status;
    // The end is this event's time when this event set it; otherwise it stands (or was cleared).
    if (record.ended_at === undefined) run.endMs = undefined;
    else if (record.ended_at === event.timestamp) run.endMs = t;
    run.reason = record.failure;
    run.durationMs = record.duration_ms;
    // The start may lie before the history the page loaded: the duration says where it was.
    if (run.endMs !== undefined && run.durationMs !== undefined) {
      run.startMs = Math.min(run.startMs, run.endMs - run.durationMs);
    }
  }

  /** Marks a run as selected by the page's level/event filter. */
  markMatched(runId: string): void {
    const run = this.runs.get(runId);
    if (run !== undefined) {
      if (!run.matched) {
        run.matched = true;
        this.version++;
      }
      return;
    }
    if (this.pendingMatches.size >= this.maxRuns * 4) this.pendingMatches.clear();
    this.pendingMatches.add(runId);
  }

  /** Runs to show: all of them, or only those a narrowing filter selected. */
  list(onlyMatched: boolean): RunSummary[] {
    const out: RunSummary[] = [];
    for (const run of this.runs.values()) if (!onlyMatched || run.matched) out.push(run);
    return out;
  }

  /** The latest failed runs, newest end first. */
  failures(onlyMatched: boolean, limit: number): RunSummary[] {
    return this.list(onlyMatched)
      .filter((run) => run.status === 'failed')
      .sort((a, b) => (b.endMs ?? b.lastMs) - (a.endMs ?? a.lastMs))
      .slice(0, limit);
  }

  private create(runId: string, t: number): RunSummary {
    if (this.runs.size >= this.maxRuns) this.evictOne();
    const run: RunSummary = {
      runId,
      taskId: undefined,
      startMs: t,
      endMs: undefined,
      lastMs: t,
      status: 'unknown',
      statusText: undefined,
      step: 0,
      steps: undefined,
      marks: [],
      reason: undefined,
      durationMs: undefined,
      events: 0,
      lastEventId: '',
      matched: this.pendingMatches.delete(runId),
      record: undefined,
    };
    this.runs.set(runId, run);
    return run;
  }

  /** Drops the oldest finished run among the oldest few (insertion order), else the oldest run. */
  private evictOne(): void {
    let scanned = 0;
    let first: string | undefined;
    for (const [runId, run] of this.runs) {
      first ??= runId;
      if (run.status !== 'running') {
        this.runs.delete(runId);
        return;
      }
      if (++scanned >= 64) break;
    }
    if (first !== undefined) this.runs.delete(first);
  }
}
