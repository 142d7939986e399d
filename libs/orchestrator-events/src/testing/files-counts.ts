import { CountsPage, CountsQuery, OrchestratorEvent } from '@orchestrator/events-contract';
import { CountsFold, countsWindow } from '../lib/history/counts-query';
import { acceptor } from '../lib/event/history-query';

/**
 * What the files' counts answer for `events` (the same window, filter and fold as
 * FileHistorySource): the reference a store's counts are compared with.
 */
export function filesCounts(events: OrchestratorEvent[], query: CountsQuery): CountsPage {
  const { since, until } = countsWindow(query);
  const accept = acceptor(query);
  const fold = new CountsFold(query.bucket, since, until);
  for (const event of events) if (accept(event)) fold.add(event);
  return fold.page();
}
