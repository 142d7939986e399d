import { OrchestratorEvent } from '@orchestrator/events-contract';

let seq = 0;

/** An event as the server writes it, logged at `ms`, with the given fields. */
export function eventAt(
  ms: number,
  fields: Partial<OrchestratorEvent> & { event: string },
): OrchestratorEvent {
  const id = `${String(ms).padStart(13, '0')}-${String(seq++ % 1_000_000).padStart(6, '0')}-test`;
  return {
    timestamp: new Date(ms).toISOString().replace('Z', '000Z'),
    level: 'INFO',
    logger: 'orchestrator_events',
    event_id: id,
    orch_id: 'test',
    ...fields,
  } as OrchestratorEvent;
}
