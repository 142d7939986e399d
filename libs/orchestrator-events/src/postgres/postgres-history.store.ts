import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import { EventLogger } from '../lib/write/event-logger.service';
import { HistorySourceState } from '../lib/history/history-source';
import { HistorySources } from '../lib/history/history-sources.registry';
import { ORCH_EVENTS_OPTIONS } from '../lib/shared/orchestrator-events.constants';
import { ResolvedOrchestratorEventsOptions } from '../lib/options/orchestrator-events.options';
import { IngestPacer } from './ingest.pacer';
import { LogTail } from './log-tail.reader';
import { PostgresHistorySource } from './postgres-history.source';
import { PostgresIngest } from './postgres-ingest';
import { deleteRunsBefore } from './postgres-runs.fold';
import { POSTGRES_MESSAGES as M } from './postgres.messages';
import { migrate } from './postgres.migrations';
import { ORCH_EVENTS_POSTGRES_OPTIONS } from './postgres.module-definition';
import { ResolvedPostgresOptions } from './postgres.options';
import { dayOf, Partitions } from './postgres.partitions';
import { loadPg } from './postgres.peer';

/**
 * The shortest time between two reads of the files while they are being written: at 5,000
 * events/s a batch of about 250 lines, at the cost of at most this much more lag.
 */
const WRITE_WINDOW_MS = 50;

/**
 * While there is nothing to ingest, how often the store asks the database whether it answers, so
 * that health shows an outage (an idle pool may hold no connection to lose).
 */
const PING_EVERY_MS = 1_000;

/** What the store reports in `OrchestratorEventsStatus.snapshot().history` and the health check. */
export interface PostgresStoreState extends HistorySourceState {
  name: 'postgres';
  /** The database URL without its password. */
  url: string;
  /** Bytes of this instance's files not ingested yet. */
  lag_bytes: number;
  /** Since when lines wait to be ingested, in ms (0 when caught up). */
  lag_ms: number;
  /** Rows this process inserted. */
  ingested: number;
  /** Files let go before they were ingested: each is one `history_gap` event. */
  gaps: number;
  /** Lines in them, the sum of the events' `count`. */
  gap_lines: number;
  /** The last database error, with no password in it; null once it answers again. */
  last_error: string | null;
}

/**
 * The PostgreSQL history store of one instance: migrates the schema, ingests this instance's
 * files in the background (retrying with back-off while the database is down), drops partitions
 * past the retention, and adds the store to `HistorySources`, so `EventHistory` answers from every
 * instance's events. Nothing here runs on `log()`'s path.
 */
@Injectable()
export class PostgresHistoryStore implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('OrchestratorEventsPostgres');
  private pool!: Pool;
  private tail!: LogTail;
  private ingest!: PostgresIngest;
  private partitions!: Partitions;
  private pacer!: IngestPacer;
  private removeSource: (() => void) | undefined;
  private up = false;
  private migrated = false;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** The writer wrote since the last read began: the next read is due now, not at the next poll. */
  private written = false;
  /** When the database last answered (ms). */
  private answeredAt = 0;
  /** When the last read began (ms): the window of `WRITE_WINDOW_MS` runs from it. */
  private readAt = 0;
  private retentionTimer: NodeJS.Timeout | undefined;
  private lastError: string | null = null;
  private waitingSince: number | undefined;
  private ingested = 0;
  private gaps = 0;
  private gapLines = 0;
  private readonly readyWaiters: (() => void)[] = [];

  constructor(
    @Inject(ORCH_EVENTS_POSTGRES_OPTIONS) private readonly options: ResolvedPostgresOptions,
    @Inject(ORCH_EVENTS_OPTIONS) private readonly core: ResolvedOrchestratorEventsOptions,
    private readonly sources: HistorySources,
    private readonly events: EventLogger,
  ) {}

  onModuleInit(): void {
    const { Pool } = loadPg();
    const o = this.options;
    this.pool = new Pool({
      connectionString: o.url,
      max: o.poolSize,
      connectionTimeoutMillis: 5000,
      application_name: `orchestrator-events:${this.core.orchId}`,
    });
    // An idle connection that dies (database restarted) must not crash the process.
    this.pool.on('error', (error) => this.fail(error));
    // So must one in use: its query fails and says so; the 'error' event would be unhandled.
    this.pool.on('connect', (client) => client.on('error', () => undefined));
    this.tail = new LogTail(this.core.logFile, this.core.maxFiles);
    this.partitions = new Partitions(this.pool, o.schema);
    this.pacer = new IngestPacer(() => this.tail.growing());
    this.ingest = new PostgresIngest(
      this.pool,
      o.schema,
      this.core.orchId,
      this.tail,
      this.partitions,
      o.batchSize,
      o.retentionMs,
      this.pacer,
    );
    const source = new PostgresHistorySource(
      this.pool,
      o.schema,
      () => this.up && this.migrated,
      () => this.state(),
    );
    this.removeSource = this.sources.add(source);
    this.loop = this.run();
  }

  /** Resolves once the schema is migrated and the database answered (tests, readiness probes). */
  whenReady(): Promise<void> {
    if (this.migrated && this.up) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Drops the partitions past the retention now; returns the days (`YYYYMMDD`) dropped. */
  async applyRetention(now = Date.now()): Promise<string[]> {
    const dropped = await this.partitions.dropOlderThan(this.options.retentionMs, now);
    await deleteRunsBefore(this.pool, this.options.schema, now - this.options.retentionMs);
    // Created ahead: the next rows (today, and tomorrow after midnight) find their partition.
    await this.partitions.ensure([dayOf(now), dayOf(now + 86_400_000)]);
    return dropped;
  }

  state(): PostgresStoreState {
    const lagBytes = this.tail?.lagBytes() ?? 0;
    return {
      name: 'postgres',
      status: this.up && this.migrated ? 'up' : 'down',
      url: this.options.displayUrl,
      lag_bytes: lagBytes,
      lag_ms: this.waitingSince === undefined ? 0 : Date.now() - this.waitingSince,
      ingested: this.ingested,
      gaps: this.gaps,
      gap_lines: this.gapLines,
      last_error: this.lastError,
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    this.removeSource?.();
    await this.loop;
    await this.pool?.end().catch(() => undefined);
    this.tail?.close();
  }

  private async run(): Promise<void> {
    let retryDelay = 100;
    while (!this.stopped) {
      let wait = this.options.ingestIntervalMs;
      try {
        if (!this.migrated) await this.start();
        if (this.up && (await this.pacer.holdBack())) {
          // The app's loop is saturated (a burst): the batch waits for it, up to 2 s.
          this.readAt = Date.now();
          await this.sleep(wait);
          continue;
        }
        this.written = false;
        this.readAt = Date.now();
        const step = await this.ingest.step();
        this.pacer.read(step.lines >= this.options.batchSize);
        this.ingested += step.inserted;
        if (step.rewound)
          this.log.warn(M.rewound(this.core.orchId, step.rewound.from, step.rewound.to));
        await this.keepInTouch(step.lines > 0);
        this.recover();
        this.reportGaps();
        // A full batch is a backlog: read on at once. Else the next write wakes the loop, but not
        // before the window since this read began: the writer's turns at a high rate make one
        // batch (one transaction, one rewrite of each run it touches), not one each.
        if (step.lines >= this.options.batchSize) wait = 0;
        this.waitingSince =
          this.tail.lagBytes() === 0 ? undefined : (this.waitingSince ?? Date.now());
        retryDelay = 100;
      } catch (error) {
        this.fail(error);
        this.ingest.reset();
        wait = retryDelay;
        retryDelay = Math.min(retryDelay * 2, this.options.maxRetryDelayMs);
      }
      await this.sleep(wait);
    }
  }

  private async start(): Promise<void> {
    const applied = await migrate(this.pool, this.options.schema);
    if (applied.length > 0)
      this.log.log(`schema ${this.options.schema} at version ${applied.at(-1)}`);
    this.migrated = true;
    const retention = () => {
      this.applyRetention().catch((error) => this.log.warn(M.retentionFailed(this.redact(error))));
    };
    retention();
    this.retentionTimer = setInterval(retention, this.options.retentionIntervalMs);
    this.retentionTimer.unref();
    // Read as soon as the writer wrote: the poll every `ingestIntervalMs` only backs this up.
    this.tail.watchWrites(() => {
      this.written = true;
      if (this.up) this.wake?.();
    });
  }

  /**
   * Sleeps `ms`, keeping an eye on rotations meanwhile; shutdown wakes it, and so does a write to
   * the file while the database answers (while it does not, the back-off holds).
   */
  private async sleep(ms: number): Promise<void> {
    const end = Date.now() + ms;
    do {
      const slice = Math.min(
        this.options.ingestIntervalMs,
        Math.max(0, this.due(end) - Date.now()),
      );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, slice);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      if (!this.up && !this.stopped) {
        this.ingest.watch();
        this.reportGaps();
      }
    } while (!this.stopped && Date.now() < this.due(end));
  }

  /**
   * When the sleep that would end at `end` ends: sooner once the writer wrote (while the database
   * answers; while it does not, the back-off holds), but not before the window since the last read.
   */
  private due(end: number): number {
    if (!this.written || !this.up) return end;
    return Math.min(end, this.readAt + Math.min(WRITE_WINDOW_MS, this.options.ingestIntervalMs));
  }

  /**
   * After a step: when it sent nothing, asks the database whether it answers (at most once per
   * `PING_EVERY_MS`), so that an outage shows while there is nothing to ingest; throws if not.
   */
  private async keepInTouch(sent: boolean): Promise<void> {
    if (!sent && Date.now() - this.answeredAt < PING_EVERY_MS) return;
    if (!sent) await this.pool.query('SELECT 1');
    this.answeredAt = Date.now();
  }

  private recover(): void {
    if (!this.up) {
      if (this.lastError !== null) this.log.log(M.storeUp(this.options.displayUrl));
      this.up = true;
      this.lastError = null;
    }
    for (const resolve of this.readyWaiters.splice(0)) resolve();
  }

  private fail(error: unknown): void {
    const reason = this.redact(error);
    if (this.up || this.lastError === null)
      this.log.warn(M.storeDown(this.options.displayUrl, reason));
    this.up = false;
    this.lastError = reason;
    if (this.waitingSince === undefined) this.waitingSince = Date.now();
  }

  /** One `history_gap` WARNING event per file let go unread, with its count of lines. */
  private reportGaps(): void {
    for (const count of this.tail.takeGaps()) {
      this.gaps++;
      this.gapLines += count;
      this.events.log({
        event: 'history_gap',
        level: 'WARNING',
        message: M.gapMessage(count),
        count,
      });
    }
  }

  /** An error's text with the password taken out, whatever the driver put in it. */
  private redact(error: unknown): string {
    const text = error instanceof Error ? error.message : String(error);
    let password = '';
    try {
      password = decodeURIComponent(new URL(this.options.url).password);
    } catch {
      password = '';
    }
    return password.length === 0 ? text : text.split(password).join('***');
  }
}
