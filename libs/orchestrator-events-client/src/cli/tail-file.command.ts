import { matches, parseEventLine } from '@orchestrator/events-contract';
import { CliCommand } from './cli-args';
import { CommandContext } from './command.context';
import { formatEvent } from './event.formatter';
import { readLogLines } from './log-file.follower';

type TailCommand = Extract<CliCommand, { command: 'tail' }>;

/** `orch-events tail --file`: a local log file, no server; with `--follow`, across rotations. */
export async function tailFile(
  cmd: TailCommand & { file: string },
  ctx: CommandContext,
): Promise<void> {
  const lines = readLogLines(cmd.file, {
    follow: cmd.follow,
    signal: ctx.signal,
    onNotice: (message) => ctx.notice(message),
  });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const event = parseEventLine(line);
    if (event === undefined) {
      // A torn line (a crash mid-write) is not an event: say so, keep going.
      ctx.notice(`skipped a line that is not an event: ${JSON.stringify(line.slice(0, 60))}`);
      continue;
    }
    if (!matches(cmd.filter, event)) continue;
    // --json passes the line through as written: it is already one JSON event.
    await ctx.out.line(cmd.json ? line : formatEvent(event, ctx.palette));
    if (ctx.out.closed) break;
  }
}
