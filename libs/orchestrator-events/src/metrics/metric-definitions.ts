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

type Read = MetricDefinition['read'];

/** A total the process keeps (Prometheus `counter`); `label` when `read` gives one value per label value. */
function counter(name: string, help: string, read: Read, label?: string): MetricDefinition {
  return { name, type: 'counter', help, read, ...(label === undefined ? {} : { label }) };
}

/** A value that goes up and down (Prometheus `gauge`). */
function gauge(name: string, help: string, read: Read, label?: string): MetricDefinition {
  return { name, type: 'gauge', help, read, ...(label === undefined ? {} : { label }) };
}

/** One value per history source, from its reported state. */
function bySource(read: (h: HistorySourceState) => number): Read {
  return (s) => Object.fromEntries(s.history.map((h) => [h.name, read(h)]));
}

/**
 * Every metric, named by Prometheus's rules: counters end in `_total`, units in the name
 * (`_bytes`), one metric per meaning with labels for its dimensions.
 */
export const METRIC_DEFINITIONS: readonly MetricDefinition[] = [
  counter(
    'logged_total',
    'Events logged (at or above LOG_LEVEL), by level.',
    (s) => Object.fromEntries(LEVELS.map((level) => [level, s.stats.loggedByLevel[level]])),
    'level',
  ),
  counter('written_total', 'Event lines written to the log file.', (s) => s.stats.written),
  counter(
    'dropped_total',
    'Event lines dropped because the log file could not be written and ORCH_LOG_MAX_PENDING was reached.',
    (s) => s.stats.dropped,
  ),
  counter('rotations_total', 'Rotations of the event log file.', (s) => s.stats.rotations),
  counter(
    'write_errors_total',
    'Failed writes to the event log file (the lines stay queued and are retried).',
    (s) => s.stats.writeErrors,
  ),
  counter(
    'internal_errors_total',
    'Failures inside the logger that it recovered from.',
    (s) => s.stats.internalErrors,
  ),
  gauge(
    'pending_events',
    'Event lines accepted and not yet written to the log file.',
    (s) => s.stats.pending,
  ),
  gauge(
    'pending_bytes',
    'Bytes of event lines held in memory while the log file cannot be written.',
    (s) => s.stats.pendingBytes,
  ),
  gauge('sse_clients', 'Open Server-Sent Events streams.', (s) => s.sseClients),
  counter(
    'sse_clients_cut_total',
    'SSE streams disconnected by the server because the client fell too far behind (it resumes with Last-Event-ID).',
    (s) => s.sseClientsCut,
  ),
  gauge(
    'bus_lag_events',
    'Events of this instance not yet on the shared bus (Redis Stream buffer while Redis is slow or down); 0 for the in-process bus.',
    (s) => s.bus.buffered ?? 0,
  ),
  gauge(
    'bus_connected',
    'Whether the event bus is connected (1) or not (0); the in-process bus always is.',
    (s) => Number(s.bus.connected ?? true),
  ),
  counter(
    'bus_dropped_total',
    'Events dropped from the shared bus (never from the file) because its buffer was full.',
    (s) => s.bus.dropped ?? 0,
  ),
  gauge(
    'history_up',
    'Whether each history store added by an opt-in module answers (1) or not (0), by source.',
    bySource((h) => Number(h.status === 'up')),
    'source',
  ),
  gauge(
    'history_lag_bytes',
    "Bytes of this instance's log files not yet ingested by each history store, by source.",
    bySource((h) => (typeof h['lag_bytes'] === 'number' ? h['lag_bytes'] : 0)),
    'source',
  ),
];
