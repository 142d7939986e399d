import { Inject, Injectable } from '@nestjs/common';
import { EventBus } from '../lib/bus/event-bus';
import { EventLogger } from '../lib/write/event-logger.service';
import { HistorySources } from '../lib/history/history-sources.registry';
import { ORCH_EVENTS_OPTIONS } from '../lib/shared/orchestrator-events.constants';
import { ResolvedOrchestratorEventsOptions } from '../lib/options/orchestrator-events.options';

/** Thresholds of `OrchestratorEventsHealthIndicator.isHealthy()`. */
export interface OrchestratorEventsHealthOptions {
  /**
   * Down once this many bytes of events wait in memory for a log file that cannot be written.
   * Default half of `ORCH_LOG_MAX_PENDING` (`maxPendingBytes`, 64 MiB): down well before events
   * start being dropped.
   */
  maxPendingBytes?: number;
  /**
   * Down while a write to the log file is failing (disk full, directory gone), even before
   * `maxPendingBytes` is reached; the writer keeps retrying. Default `true`.
   */
  requireWritable?: boolean;
  /**
   * Down while a bus between instances (`OrchestratorEventsRedisModule`'s, your own) says it is
   * disconnected: events still reach the file and this instance's streams, but not the other
   * instances. Default `true`; the in-process bus is always up.
   */
  requireBus?: boolean;
  /**
   * Down while a history store added by an opt-in module reports itself down: events
   * still reach the files and the live streams, and queries answer from the files with
   * `partial: true`. Default `true`.
   */
  requireHistory?: boolean;
}

/**
 * What `isHealthy()` returns: `{ [key]: { status: 'up' | 'down', ...details } }`, the shape of
 * `@nestjs/terminus`'s `HealthIndicatorResult` (declared here, so the library's types need no
 * terminus to compile).
 */
export type OrchestratorEventsHealthResult = Record<
  string,
  { status: 'up' | 'down'; [detail: string]: unknown }
>;

/**
 * A Terminus health indicator for the event log: down when the log cannot be written, when too
 * many bytes wait for it, or when the bus is disconnected (Redis); the details say which and show the
 * numbers. List it in the providers of the module whose controller checks health (it injects the
 * core's global providers); use it in your own health check:
 *
 * ```ts
 * @Get('health') @HealthCheck()
 * check() { return this.health.check([() => this.events.isHealthy('orchestrator_events')]); }
 * ```
 *
 * It returns the result rather than throwing (Terminus 11 reads `status: 'down'` from it), and
 * loads nothing from `@nestjs/terminus`: the app that calls it has Terminus already.
 */
@Injectable()
export class OrchestratorEventsHealthIndicator {
  constructor(
    private readonly events: EventLogger,
    @Inject(EventBus) private readonly bus: EventBus,
    @Inject(ORCH_EVENTS_OPTIONS) private readonly options: ResolvedOrchestratorEventsOptions,
    private readonly sources: HistorySources,
  ) {}

  /** `{ [key]: { status, ... } }`: see the class. `key` defaults to `orchestrator_events`. */
  isHealthy(
    key = 'orchestrator_events',
    options: OrchestratorEventsHealthOptions = {},
  ): OrchestratorEventsHealthResult {
    const stats = this.events.stats();
    const bus = this.bus.state();
    const maxPendingBytes = options.maxPendingBytes ?? Math.floor(this.options.maxPendingBytes / 2);
    const problems: string[] = [];
    if ((options.requireWritable ?? true) && stats.lastError !== undefined) {
      problems.push('the event log cannot be written');
    }
    if (stats.pendingBytes > maxPendingBytes) {
      problems.push(
        `${stats.pendingBytes} bytes of events wait for the log file (over ${maxPendingBytes})`,
      );
    }
    // A bus that cannot be cut (the in-process one) says nothing: connected.
    const busConnected = bus.connected ?? true;
    if ((options.requireBus ?? true) && !busConnected) {
      problems.push(`the ${bus.kind} event bus is disconnected`);
    }
    const history = this.sources.all().flatMap((source) => (source.state ? [source.state()] : []));
    for (const state of history) {
      if ((options.requireHistory ?? true) && state.status === 'down') {
        problems.push(`the history source ${state.name} is down`);
      }
    }
    return {
      [key]: {
        status: problems.length === 0 ? 'up' : 'down',
        ...(problems.length === 0 ? {} : { message: problems.join('; ') }),
        writable: stats.lastError === undefined,
        pending_bytes: stats.pendingBytes,
        dropped: stats.dropped,
        bus: bus.kind,
        bus_connected: busConnected,
        ...(history.length === 0 ? {} : { history }),
      },
    };
  }
}
