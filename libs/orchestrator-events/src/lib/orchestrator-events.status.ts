import { Inject, Injectable } from '@nestjs/common';
import { EventBus, EventBusState } from './bus/event-bus';
import { EventLogger, EventLoggerStats } from './write/event-logger.service';
import { SseFastPath } from './http/sse-fast-path.service';
import { SseHub } from './http/sse-hub.service';
import { HistorySourceState } from './history/history-source';
import { HistorySources } from './history/history-sources.registry';

/** What `OrchestratorEventsStatus.snapshot()` returns. */
export interface OrchestratorEventsSnapshot {
  /** The orchestrator id stamped on events. */
  orchId: string;
  /** The write side: logged, written, pending, dropped, rotations, write errors... */
  events: EventLoggerStats;
  /** Live streams. */
  streams: {
    /** Open SSE streams. */
    clients: number;
    /** Streams cut since start because their client fell behind (they resume with Last-Event-ID). */
    cut: number;
    /** `ORCH_SSE_FAST_PATH`: `enabled` (the option), `active` (serving), `served` (streams it opened). */
    fastPath: { enabled: boolean; active: boolean; served: number };
  };
  /** `{ kind: 'memory' }`, or the Redis bus's connection, buffer and last error. */
  bus: EventBusState;
  /** The history sources that report a state (a store added by an opt-in module: up/down, lag). */
  history: HistorySourceState[];
}

/**
 * Every number an operator watches, in one read, for your health endpoint, dashboard or alerts:
 * `constructor(private readonly status: OrchestratorEventsStatus) {}`, then `status.snapshot()`.
 * Reading costs a few property reads; nothing is counted on the logging path for it.
 */
@Injectable()
export class OrchestratorEventsStatus {
  constructor(
    private readonly events: EventLogger,
    private readonly hub: SseHub,
    private readonly fastPath: SseFastPath,
    @Inject(EventBus) private readonly bus: EventBus,
    private readonly sources: HistorySources,
  ) {}

  /** The current numbers. */
  snapshot(): OrchestratorEventsSnapshot {
    return {
      orchId: this.events.orchId,
      events: this.events.stats(),
      streams: {
        clients: this.hub.clientCount,
        cut: this.hub.clientsCut,
        fastPath: this.fastPath.state(),
      },
      bus: this.bus.state(),
      history: this.sources.all().flatMap((source) => (source.state ? [source.state()] : [])),
    };
  }
}
