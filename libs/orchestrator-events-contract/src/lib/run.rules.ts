import type { OrchestratorEvent } from './event';
import type { RunRecord, RunStatus } from './run';

/**
 * The run rules, in one place: what an event says of its run, folded into a `RunRecord`. The
 * dashboard folds the events it receives with them, the server the events of its files (and a
 * history store the batches it ingests), so a run has one status and one reason everywhere.
 */

const SUCCESS = new Set(['success', 'succeeded', 'completed', 'complete', 'done', 'ok', 'passed']);
const FAILED = new Set([
  'failed',
  'failure',
  'error',
  'errored',
  'cancelled',
  'canceled',
  'aborted',
  'timeout',
  'timed_out',
  'crashed',
]);
const RUNNING = new Set(['running', 'started', 'in_progress', 'retrying', 'pending', 'queued']);

/**
 * The status an event gives its run: its `status` field (any case) when it is one of the known
 * words, else its name as `track()` makes them (`<name>_started`, `_completed`, `_failed`, ...);
 * `undefined` when it says nothing of the run's status (a step, a log line).
 */
export function runStatusOf(event: OrchestratorEvent): RunStatus | undefined {
  if (typeof event.status === 'string') {
    const status = event.status.toLowerCase();
    if (SUCCESS.has(status)) return 'success';
    if (FAILED.has(status)) return 'failed';
    if (RUNNING.has(status)) return 'running';
  }
  const name = event.event;
  if (/_(completed|succeeded|success|done)$/.test(name)) return 'success';
  if (/_(failed|error|cancelled|canceled|aborted)$/.test(name)) return 'failed';
  if (/_(started|running)$/.test(name)) return 'running';
  return undefined;
}

/**
 * Why a run failed, from its failing event: `error.message` (what `track()` records), an `error`
 * string, a `reason`, else the event's `message`.
 */
export function failureReason(event: OrchestratorEvent): string | undefined {
  const { error, reason, message } = event as {
    error?: unknown;
    reason?: unknown;
    message?: unknown;
  };
  if (typeof error === 'object' && error !== null) {
    const text = (error as { message?: unknown }).message;
    if (typeof text === 'string') return text;
  }
  if (typeof error === 'string' && error) return error;
  if (typeof reason === 'string' && reason) return reason;
  if (typeof message === 'string' && message) return message;
  return undefined;
}

/**
 * Folds one event into its run's record and returns it: `record` is updated in place (a fold over
 * thousands of runs allocates one object per run), or created when `undefined`. An event without
 * a `run_id` belongs to no run: the result is then `record` as given.
 *
 * Events may come in any order within a run's lifetime: `started_at`, `first_event_id` and
 * `last_event_id` are the least and greatest seen. A `running` event reopens an ended run only
 * when it is later than the end (a retry under the same run id); a late one from before the end
 * changes nothing. An ending event (`success`, `failed`) sets `ended_at`, `failure` (failed only)
 * and `duration_ms`: its own `duration_ms` when it carries a finite one ≥ 0, else
 * `ended_at - started_at` (computed again if an earlier event comes later). A run whose events never said otherwise is `running`.
 */
export function foldRun(
  record: RunRecord | undefined,
  event: OrchestratorEvent,
): RunRecord | undefined {
  const runId = event.run_id;
  if (typeof runId !== 'string' || runId === '') return record;
  const run: RunRecord = record ?? {
    run_id: runId,
    orch_id: event.orch_id,
    status: 'running',
    started_at: event.timestamp,
    steps_done: 0,
    first_event_id: event.event_id,
    last_event_id: event.event_id,
    events: 0,
  };
  run.events++;
  if (event.timestamp < run.started_at) moveStart(run, event.timestamp);
  // The run's instance is its first event's, whatever order the events are folded in (a store
  // ingests two instances' batches in any order).
  if (event.event_id < run.first_event_id) {
    run.first_event_id = event.event_id;
    run.orch_id = event.orch_id;
  }
  if (event.event_id > run.last_event_id) run.last_event_id = event.event_id;
  if (run.task_id === undefined && typeof event.task_id === 'string') run.task_id = event.task_id;
  const steps = event['steps'];
  if (typeof steps === 'number' && Number.isFinite(steps)) run.steps_total = steps;
  const step = event['step'];
  if (typeof step === 'number' && step > run.steps_done) run.steps_done = step;
  const status = runStatusOf(event);
  if (status === 'running') {
    if (run.ended_at === undefined || event.timestamp > run.ended_at) reopen(run);
  } else if (status !== undefined) {
    end(run, status, event);
  }
  return run;
}

/** Milliseconds from `started_at` to `ended_at`, or NaN when either is unreadable. */
function elapsed(run: RunRecord): number {
  return Math.max(0, Date.parse(run.ended_at ?? '') - Date.parse(run.started_at));
}

/** An earlier event came late: a duration computed from the old start is computed again. */
function moveStart(run: RunRecord, timestamp: string): void {
  const computed = run.ended_at !== undefined && run.duration_ms === elapsed(run);
  run.started_at = timestamp;
  if (computed) run.duration_ms = elapsed(run);
}

function reopen(run: RunRecord): void {
  run.status = 'running';
  delete run.ended_at;
  delete run.duration_ms;
  delete run.failure;
}

function end(run: RunRecord, status: RunStatus, event: OrchestratorEvent): void {
  run.status = status;
  run.ended_at = event.timestamp;
  const failure = status === 'failed' ? failureReason(event) : undefined;
  if (failure === undefined) delete run.failure;
  else run.failure = failure;
  const logged = event['duration_ms'];
  const duration =
    typeof logged === 'number' && Number.isFinite(logged) && logged >= 0 ? logged : elapsed(run);
  // A timestamp Date cannot read (not the logger's) gives no duration rather than NaN.
  if (Number.isFinite(duration)) run.duration_ms = duration;
  else delete run.duration_ms;
}
