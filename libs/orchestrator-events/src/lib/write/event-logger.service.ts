import { Inject, Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import { AsyncResource } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { EventBus } from '../bus/event-bus';
import {
  EVENT_ID_PATTERN,
  EventFilter,
  EventInput,
  EventLevel,
  levelRank,
  OrchestratorEvent,
  parseEventLine,
  parseLevel,
} from '@orchestrator/events-contract';
import { EventContext, EventContextStore } from '../event/event-context';
import { EventIdGenerator } from '../event/event-id';
import { EventLineBuilder } from '../event/event-line';
import { EventStream } from './event-stream';
import { EventWriter } from './event-writer.service';
import { logFilesNewestFirst, newestLine } from '../file/log-files';
import { FileWriterStats } from '../file/rotating-file.writer';
import { EventTracer } from './event-tracer';
import { ORCH_EVENTS_OPTIONS } from '../shared/orchestrator-events.constants';
import { ResolvedOrchestratorEventsOptions } from '../options/orchestrator-events.options';

/** Fields of an event other than its name, for the level shorthands and `track()`. */
export type EventFields = Omit<EventInput, 'event' | 'level'>;

/** Health of the logger: the numbers an operator needs. */
export interface EventLoggerStats extends FileWriterStats {
  /** Events logged since start (below-level ones not counted). */
  logged: number;
  /** `logged`, by level. */
  loggedByLevel: Record<EventLevel, number>;
  /** Calls to `log()`, and batch writes or publishes, that failed inside the logger and were recovered from. */
  internalErrors: number;
  /** Open live subscriptions on the bus. */
  subscribers: number;
}

/**
 * Records orchestrator events: one JSON line per event in a size-rotated file (through winston),
 * published to the event bus for live readers. Every method that logs returns at once and never
 * throws into the caller.
 */
@Injectable()
export class EventLogger implements OnApplicationShutdown {
  private readonly builder: EventLineBuilder;
  private readonly context = new EventContextStore();
  private readonly minRank: number;
  private logged = 0;
  private readonly loggedByLevel: Record<EventLevel, number> = {
    DEBUG: 0,
    INFO: 0,
    WARNING: 0,
    ERROR: 0,
  };
  private readonly startedAt = performance.now();
  /**
   * Logs what the library reports about itself (events_dropped, a torn line found, the stop) in
   * the async context the logger was made in, and outside every `withContext()`: it runs from
   * whichever caller's write or read happened to set it off, whose ids and trace it must not carry.
   */
  private readonly logOwn = AsyncResource.bind((input: EventInput): string | undefined =>
    this.context.outside(() => this.log(input)),
  );

  constructor(
    @Inject(ORCH_EVENTS_OPTIONS) private readonly options: ResolvedOrchestratorEventsOptions,
    @Inject(EventBus) private readonly bus: EventBus,
    private readonly writer: EventWriter,
    // Set by the `tracing` option only: without it, log() pays one undefined check.
    @Optional() @Inject(EventTracer) private readonly tracer?: EventTracer,
  ) {
    const files = logFilesNewestFirst(options.logFile, options.maxFiles);
    // Continue above the newest id on disk so ids never repeat across restarts.
    const lastLine = newestLine(files, (line) => lastIdOf(line) !== undefined);
    const ids = new EventIdGenerator(options.orchId, lastLine && lastIdOf(lastLine));
    this.builder = new EventLineBuilder(
      options.orchId,
      ids,
      options.maxLineBytes,
      options.redactKeys,
    );
    // Reported once writing works again, as an event in the log itself.
    writer.onDropped((dropped) =>
      this.logOwn({
        event: 'events_dropped',
        level: 'ERROR',
        message: `${dropped} events were dropped while the log file could not be written (over ORCH_LOG_MAX_PENDING)`,
        dropped,
      }),
    );
    this.minRank = levelRank(options.level);
    // A torn last line (a crash or a full disk cut a write short) was found and ended.
    writer.onTornLines((torn) =>
      this.logOwn({
        event: 'torn_lines_found',
        level: 'WARNING',
        message: `${options.logFile} ended with a torn line (a write cut short by a crash or a full disk); it was ended with a newline, and readers skip it`,
        torn_lines: torn,
        file: options.logFile,
      }),
    );
  }

  /**
   * Records one event. Returns its `event_id`, or `undefined` when its level is below `LOG_LEVEL`.
   * `level` defaults to `INFO`; task and run ids default to the enclosing `withContext()`. The line
   * is written, and then the event published to live readers, at the end of the current event-loop
   * turn, together with the turn's other events (`flush()` does it at once).
   */
  log(input: EventInput): string | undefined {
    try {
      const level = (input.level && parseLevel(String(input.level))) || 'INFO';
      if (levelRank(level) < this.minRank) return undefined;
      // The active span's trace_id/span_id (tracing option), under the caller's own fields.
      const trace = this.tracer?.current();
      // Object.assign, not spread: the builder's for-in over a two-spread literal was ~100x slower.
      const fields =
        trace === undefined
          ? input
          : Object.assign({ trace_id: trace.trace_id, span_id: trace.span_id }, input);
      const built = this.builder.build(fields, level, this.context.current());
      this.writer.add(built);
      // The tracing module's log records: told here, where the caller's trace context is active.
      this.tracer?.record?.(built);
      this.logged++;
      this.loggedByLevel[level]++;
      return built.id;
    } catch (err) {
      this.writer.recovered('log()', err);
      return undefined;
    }
  }

  /** `log()` at level DEBUG: `debug('cache_hit', { task_id })` or `debug({ event, ... })`. */
  debug(event: string | EventInput, fields?: EventFields): string | undefined {
    return this.log(withLevel(event, fields, 'DEBUG'));
  }

  /** `log()` at level INFO. */
  info(event: string | EventInput, fields?: EventFields): string | undefined {
    return this.log(withLevel(event, fields, 'INFO'));
  }

  /** `log()` at level WARNING. */
  warn(event: string | EventInput, fields?: EventFields): string | undefined {
    return this.log(withLevel(event, fields, 'WARNING'));
  }

  /** `log()` at level ERROR. */
  error(event: string | EventInput, fields?: EventFields): string | undefined {
    return this.log(withLevel(event, fields, 'ERROR'));
  }

  /**
   * Runs `fn` between `<name>_started` (status `running`) and `<name>_completed` (status `success`,
   * `duration_ms`, `result` when `fn` returns one) or `<name>_failed` (level ERROR, status `failed`,
   * `error`, `duration_ms`), and rethrows what `fn` threw. Events logged inside `fn` carry the
   * `task_id`/`run_id` of `fields`.
   */
  async track<T>(name: string, fields: EventFields, fn: () => T | Promise<T>): Promise<T> {
    const context: EventContext = {};
    if (typeof fields.task_id === 'string') context.task_id = fields.task_id;
    if (typeof fields.run_id === 'string') context.run_id = fields.run_id;
    // OrchestratorEventsTracingModule with spans: true: the step runs in a span of its own, whose ids its events carry.
    if (this.tracer?.span)
      return this.tracer.span(name, context, () => this.tracked(name, fields, context, fn));
    return this.tracked(name, fields, context, fn);
  }

  private tracked<T>(
    name: string,
    fields: EventFields,
    context: EventContext,
    fn: () => T | Promise<T>,
  ): Promise<T> {
    return this.withContext(context, async () => {
      const started = performance.now();
      const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000;
      this.log({ ...fields, event: `${name}_started`, status: 'running' });
      try {
        const result = await fn();
        const done: EventInput = {
          ...fields,
          event: `${name}_completed`,
          status: 'success',
          duration_ms: elapsed(),
        };
        if (result !== undefined) done['result'] = result;
        this.log(done);
        return result;
      } catch (error) {
        this.log({
          ...fields,
          event: `${name}_failed`,
          level: 'ERROR',
          status: 'failed',
          error,
          duration_ms: elapsed(),
        });
        throw error;
      }
    });
  }

  /**
   * Runs `fn` so that every event logged inside it, across awaits, carries these ids unless the
   * call gives its own. Contexts nest (inner ids win) and parallel contexts never mix.
   */
  withContext<T>(context: EventContext, fn: () => T): T {
    return this.context.run(context, fn);
  }

  /** Resolves once every event logged before the call has been written to the file. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /**
   * Live events matching `filter`, as an Observable that `for await` can also read. Each comes
   * once its line was written, so a subscription made in the turn that logged an event gets it.
   */
  stream(filter: EventFilter = {}): EventStream<OrchestratorEvent> {
    return new EventStream<OrchestratorEvent>((subscriber) => {
      const subscription = this.bus.subscribe(filter, (built) => subscriber.next(built.event));
      return () => subscription.unsubscribe();
    });
  }

  /** Counters for health checks. */
  stats(): EventLoggerStats {
    return {
      ...this.writer.stats(),
      logged: this.logged,
      loggedByLevel: { ...this.loggedByLevel },
      subscribers: this.bus.subscriberCount(),
    };
  }

  /** The orchestrator id this logger stamps on events. */
  get orchId(): string {
    return this.options.orchId;
  }

  /**
   * Writes `orchestrator_stopped` (the signal, uptime and counts), then everything still queued,
   * and frees the file for the next process. Nest calls this after the shutdown hooks of the modules
   * that import this one (with the default `isGlobal`, the app's own), so what they log, such as
   * jobs ending on shutdown, comes before it. Events logged later still, from other providers'
   * hooks, are written synchronously as they come: all are on disk before the process exits.
   * While the file cannot be written (disk full), it retries for up to `shutdownRetryMs` first;
   * what is still unwritten at exit is counted on stderr and makes the exit code 1.
   */
  async onApplicationShutdown(signal?: string): Promise<void> {
    const stats = this.stats();
    this.logOwn({
      event: 'orchestrator_stopped',
      level: 'INFO',
      message: signal === undefined ? 'stopped' : `stopped on ${signal}`,
      signal,
      uptime_ms: Math.round(performance.now() - this.startedAt),
      logged: stats.logged,
      written: stats.written,
      dropped: stats.dropped,
    });
    await this.writer.close();
  }
}

function withLevel(
  event: string | EventInput,
  fields: EventFields | undefined,
  level: EventLevel,
): EventInput {
  return typeof event === 'string' ? { ...fields, event, level } : { ...event, level };
}

function lastIdOf(line: string): string | undefined {
  const id = parseEventLine(line)?.event_id;
  return id !== undefined && EVENT_ID_PATTERN.test(id) ? id : undefined;
}
