import { EventLevel } from '@orchestrator/events-contract';
import type { EventLoggerStats } from '../lib/write/event-logger.service';
import type { EventBusState } from '../lib/bus/event-bus';
import type { HistorySourceState } from '../lib/history/history-source';

/** What one scrape reads: the logger's counters, the SSE hub's and the bus's state. */
export interface MetricsSnapshot {
  stats: EventLoggerStats;
  sseClients: number;
  sseClientsCut: number;
  bus: EventBusState;
  /** The history sources that report a state (a store added by an opt-in module). */
  history: HistorySourceState[];
}

/** One metric: its name after the prefix, type, help, and how a scrape reads its value(s). */
export interface MetricDefinition {
  name: string;
  type: 'counter' | 'gauge';
  help: string;
  /** One value, or one per label value (the label is `level` for the per-level counter). */
  read: (s: MetricsSnapshot) => number | Record<string, number>;
  label?: string;
}

const LEVELS: readonly EventLevel[] = ['DEBUG', 'INFO', 'WARNING', 'ERROR'];

/**
 * Every metric, named by Prometheus's rules: counters end in `_total`, units in the name
 * (`_bytes`), one metric per meaning with labels for its dimensions.
 */
export const METRIC_DEFINITIONS: readonly MetricDefinition[] = [
  {
    name: 'logged_total',
    type: 'counter',
    help: 'Events logged (at or above LOG_LEVEL), by level.',
    label: 'level',
    read: (s) => Object.fromEntries(LEVELS.map((level) => [level, s.stats.loggedByLevel[level]])),
  },
  {
    name: 'written_total',
    type: 'counter',
    help: 'Event lines written to the log file.',
    read: (s) => s.stats.written,
  },
  {
    name: 'dropped_total',
    type: 'counter',
    help: 'Event lines dropped because the log file could not be written and ORCH_LOG_MAX_PENDING was reached.',
    read: (s) => s.stats.dropped,
  },
  {
    name: 'rotations_total',
    type: 'counter',
    help: 'Rotations of the event log file.',
    read: (s) => s.stats.rotations,
  },
  {
    name: 'write_errors_total',
    type: 'counter',
    help: 'Failed writes to the event log file (the lines stay queued and are retried).',
    read: (s) => s.stats.writeErrors,
  },
  {
    name: 'internal_errors_total',
    type: 'counter',
    help: 'Failures inside the logger that it recovered from.',
    read: (s) => s.stats.internalErrors,
  },
  {
    name: 'pending_events',
    type: 'gauge',
    help: 'Event lines accepted and not yet written to the log file.',
    read: (s) => s.stats.pending,
  },
  {
    name: 'pending_bytes',
    type: 'gauge',
    help: 'Bytes of event lines held in memory while the log file cannot be written.',
    read: (s) => s.stats.pendingBytes,
  },
  {
    name: 'sse_clients',
    type: 'gauge',
    help: 'Open Server-Sent Events streams.',
    read: (s) => s.sseClients,
  },
  {
    name: 'sse_clients_cut_total',
    type: 'counter',
    help: 'SSE streams disconnected by the server because the client fell too far behind (it resumes with Last-Event-ID).',
    read: (s) => s.sseClientsCut,
  },
  {
    name: 'bus_lag_events',
    type: 'gauge',
    help: 'Events of this instance not yet on the shared bus (Redis Stream buffer while Redis is slow or down); 0 for the in-process bus.',
    read: (s) => s.bus.buffered ?? 0,
  },
  {
    name: 'bus_connected',
    type: 'gauge',
    help: 'Whether the event bus is connected (1) or not (0); the in-process bus always is.',
    read: (s) => Number(s.bus.connected ?? true),
  },
  {
    name: 'bus_dropped_total',
    type: 'counter',
    help: 'Events dropped from the shared bus (never from the file) because its buffer was full.',
    read: (s) => s.bus.dropped ?? 0,
  },
  {
    name: 'history_up',
    type: 'gauge',
    help: 'Whether each history store added by an opt-in module answers (1) or not (0), by source.',
    label: 'source',
    read: (s) => Object.fromEntries(s.history.map((h) => [h.name, Number(h.status === 'up')])),
  },
  {
    name: 'history_lag_bytes',
    type: 'gauge',
    help: "Bytes of this instance's log files not yet ingested by each history store, by source.",
    label: 'source',
    read: (s) =>
      Object.fromEntries(
        s.history.map((h) => [h.name, typeof h['lag_bytes'] === 'number' ? h['lag_bytes'] : 0]),
      ),
  },
];
