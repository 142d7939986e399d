import { MAX_QUERY_LIMIT, RunRecord, RunsQuery } from '@orchestrator/events-contract';
import { OrchestratorEventsClient } from '../lib/orchestrator-events.client';
import { CliCommand } from './cli-args';
import { Palette } from './colors';
import { CommandContext } from './command.context';
import { formatTime, formatValue } from './event.formatter';

type RunsCommand = Extract<CliCommand, { command: 'runs' }>;

/** Runs printed when `--limit` is not given: the server's default page. */
const DEFAULT_RUNS = 100;

/**
 * `orch-events runs`: runs as records, newest first by start, paging back with `before` until
 * `--limit` runs (default 100) are printed.
 */
export async function runsCommand(cmd: RunsCommand, ctx: CommandContext): Promise<void> {
  const client = new OrchestratorEventsClient({ baseUrl: cmd.url, token: cmd.token });
  const query: RunsQuery = {
    task_id: cmd.filter.task_id,
    status: cmd.status,
    since: cmd.since,
    until: cmd.until,
  };
  let before = cmd.before;
  let remaining = cmd.limit ?? DEFAULT_RUNS;
  while (remaining > 0) {
    const limit = Math.min(remaining, MAX_QUERY_LIMIT);
    const page = await client.runs({ ...query, before, limit }, { signal: ctx.signal });
    if (page.partial) ctx.notice('the history store could not answer: runs from the files only');
    for (const run of page.runs) {
      await ctx.out.line(cmd.json ? JSON.stringify(run) : formatRun(run, ctx.palette));
      if (ctx.out.closed || ctx.signal.aborted) return;
    }
    remaining -= page.runs.length;
    const last = page.runs[page.runs.length - 1];
    if (!page.has_more || last === undefined) return;
    before = last.run_id;
  }
}

/** One run on one line: start, status, task, run, duration, steps and the failure, if any. */
export function formatRun(run: RunRecord, palette: Palette): string {
  const colour =
    run.status === 'failed'
      ? palette.red
      : run.status === 'success'
        ? palette.green
        : palette.yellow;
  const steps =
    run.steps_total === undefined ? `${run.steps_done}` : `${run.steps_done}/${run.steps_total}`;
  const parts = [
    palette.dim(formatTime(run.started_at)),
    colour(run.status.padEnd(7)),
    run.task_id === undefined ? '-' : formatValue(run.task_id),
    palette.bold(formatValue(run.run_id)),
    run.duration_ms === undefined ? 'running' : `${Math.round(run.duration_ms)} ms`,
    `steps ${steps}`,
    `events ${run.events}`,
  ];
  if (run.failure !== undefined) parts.push(`failure=${formatValue(run.failure)}`);
  return parts.join('  ');
}
