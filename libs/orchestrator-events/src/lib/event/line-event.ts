import { OrchestratorEvent, parseEventLine } from '@orchestrator/events-contract';

/** The ids an event is routed by. */
export interface RoutingKeys {
  readonly task_id?: string;
  readonly run_id?: string;
}

/** One stamped event: the object, and its JSON text exactly as written to the file and sent over SSE. */
export interface BuiltEvent {
  /** The event's `event_id`, readable without `event` (which may be parsed only when read). */
  readonly id: string;
  readonly event: OrchestratorEvent;
  readonly line: string;
}

/**
 * What the builder returns: the line, and the object only when someone reads it. Most events are
 * never read back in this process (nobody subscribed, or SSE clients, which take the line), and
 * building the object beside the line cost a sixth of the logging time.
 */
export class LineEvent implements BuiltEvent {
  constructor(
    readonly line: string,
    readonly id: string,
    private parsed?: OrchestratorEvent,
    /**
     * The ids a bus routes by, known when the line was built: with them, publishing to
     * subscribers of other tasks parses nothing (parsing every line cost 40% of the logging
     * throughput with 10 filtered subscribers, benchmark figure 12). Kept as two fields, not an
     * object: most events are never routed (no subscriber), and that object was one more
     * allocation per event.
     */
    private readonly taskId?: string,
    private readonly runId?: string,
  ) {}

  /** `task_id` and `run_id`, without parsing the line when the builder gave them. */
  keys(): RoutingKeys {
    // Built without the object, the ids are the fields; a cut line came with its object.
    return this.parsed ?? { task_id: this.taskId, run_id: this.runId };
  }

  get event(): OrchestratorEvent {
    // The builder made the line from an object: it is always an event.
    return (this.parsed ??= parseEventLine(this.line) as OrchestratorEvent);
  }
}
