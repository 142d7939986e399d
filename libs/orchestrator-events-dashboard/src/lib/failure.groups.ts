import { RunSummary } from './run-summary.store';

/** A reason without its run-specific parts: runs failing the same way share one. */
export function normaliseReason(reason: string | undefined): string {
  if (reason === undefined || reason.trim() === '') return '(no reason logged)';
  return (
    reason
      // Quoted values first: what is inside them may hold anything, digits and ids included.
      .replace(/"[^"]*"|'[^']*'|`[^`]*`/g, '"…"')
      // UUIDs, long hex (hashes, trace ids) and event ids (`<13 digits>-<hex>`).
      .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>')
      .replace(/\b\d{13}-[0-9a-z]+\b/gi, '<id>')
      .replace(/\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi, '<id>')
      // Words with digits in them (run-42, job_7, v2) keep their letters, not their numbers.
      .replace(/\d+(?:\.\d+)?/g, '#')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** Failed runs sharing one normalised reason. */
export interface FailureGroup {
  reason: string;
  /** Failed runs in the group, latest end first. */
  runs: RunSummary[];
  firstMs: number;
  lastMs: number;
  /** Tasks of its runs, most runs first. */
  tasks: string[];
}

/** When a run failed: its end, else its last event. */
export function failedAtMs(run: RunSummary): number {
  return run.endMs ?? run.lastMs;
}

/** The failed runs among `runs`, grouped by normalised reason, the largest group first. */
export function failureGroups(runs: readonly RunSummary[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup & { taskCounts: Map<string, number> }>();
  for (const run of runs) {
    if (run.status !== 'failed') continue;
    const reason = normaliseReason(run.reason);
    let group = groups.get(reason);
    if (group === undefined) {
      group = {
        reason,
        runs: [],
        firstMs: Infinity,
        lastMs: -Infinity,
        tasks: [],
        taskCounts: new Map(),
      };
      groups.set(reason, group);
    }
    const at = failedAtMs(run);
    group.runs.push(run);
    if (at < group.firstMs) group.firstMs = at;
    if (at > group.lastMs) group.lastMs = at;
    const task = run.taskId ?? '(no task)';
    group.taskCounts.set(task, (group.taskCounts.get(task) ?? 0) + 1);
  }
  return [...groups.values()]
    .map(({ taskCounts, ...group }) => ({
      ...group,
      runs: group.runs.sort((a, b) => failedAtMs(b) - failedAtMs(a)),
      tasks: [...taskCounts.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([task]) => task),
    }))
    .sort((a, b) => b.runs.length - a.runs.length || b.lastMs - a.lastMs);
}
