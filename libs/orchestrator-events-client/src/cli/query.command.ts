import { EventQuery, MAX_QUERY_LIMIT, OrchestratorEvent } from '@orchestrator/events-contract';
import { OrchestratorEventsProtocolError } from '../lib/errors';
import { OrchestratorEventsClient } from '../lib/orchestrator-events.client';
import { CliCommand } from './cli-args';
import { CommandContext } from './command.context';
import { formatEvent } from './event.formatter';

type QueryCommand = Extract<CliCommand, { command: 'query' }>;

/**
 * `orch-events query`: history, oldest first. Without `--limit`, every match (paging forward as
 * it prints); with `--limit N`, the newest N (paging back, then printed in order).
 */
export async function queryCommand(cmd: QueryCommand, ctx: CommandContext): Promise<void> {
  const client = new OrchestratorEventsClient({ baseUrl: cmd.url, token: cmd.token });
  const query: EventQuery = { ...cmd.filter, since: cmd.since, until: cmd.until };
  const events =
    cmd.limit === undefined
      ? client.queryAll(query, { signal: ctx.signal })
      : await newest(client, query, cmd.limit, ctx.signal);
  for await (const event of events) {
    await ctx.out.line(cmd.json ? JSON.stringify(event) : formatEvent(event, ctx.palette));
    if (ctx.out.closed || ctx.signal.aborted) break;
  }
}

/** The newest `count` matches in chronological order, fetched newest page first with `before`. */
export async function newest(
  client: OrchestratorEventsClient,
  query: EventQuery,
  count: number,
  signal?: AbortSignal,
): Promise<OrchestratorEvent[]> {
  const pages: OrchestratorEvent[][] = [];
  let before: string | undefined;
  let remaining = count;
  while (remaining > 0) {
    const limit = Math.min(remaining, MAX_QUERY_LIMIT);
    const page = await client.query({ ...query, before, limit }, { signal });
    pages.unshift(page.events);
    remaining -= page.events.length;
    const first = page.events[0]?.event_id;
    if (!page.has_more || first === undefined) break;
    if (before !== undefined && first >= before) {
      throw new OrchestratorEventsProtocolError(`paging did not go back past ${before}`);
    }
    before = first;
  }
  return pages.flat();
}
