import { OrchestratorEventsClient } from '../lib/orchestrator-events.client';
import { CliCommand } from './cli-args';
import { CommandContext } from './command.context';
import { formatEvent } from './event.formatter';

type TailCommand = Extract<CliCommand, { command: 'tail' }>;

/** `orch-events tail`: the live stream, one line per event, reconnecting and saying so on stderr. */
export async function tailServer(cmd: TailCommand, ctx: CommandContext): Promise<void> {
  const client = new OrchestratorEventsClient({ baseUrl: cmd.url, token: cmd.token });
  const events = client.stream(cmd.filter, {
    lastEventId: cmd.lastEventId,
    signal: ctx.signal,
    // Unreachable at start is an error to report; once connected, losses are waited out.
    failFast: true,
    onOpen: ({ reconnected, lastEventId }) =>
      ctx.notice(
        reconnected
          ? `reconnected; resuming after ${lastEventId ?? 'the start'}`
          : `following ${cmd.url} (Ctrl-C to stop)`,
      ),
    onRetry: ({ delayMs, error }) =>
      ctx.notice(
        `connection lost (${error?.message ?? 'the server closed the stream'}); reconnecting in ${(delayMs / 1000).toFixed(1)} s`,
      ),
    onReset: ({ oldest_event_id, last_event_id }) =>
      ctx.notice(
        `history lost: events after ${last_event_id ?? 'the given id'} and before ${oldest_event_id} are no longer kept by the server`,
      ),
  });
  for await (const event of events) {
    await ctx.out.line(cmd.json ? JSON.stringify(event) : formatEvent(event, ctx.palette));
    if (ctx.out.closed) break;
  }
}
