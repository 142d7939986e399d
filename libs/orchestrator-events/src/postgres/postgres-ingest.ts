import type { Pool, PoolClient } from 'pg';
import type { OrchestratorEvent } from '@orchestrator/events-contract';
import { copyIn } from './copy-in';
import { IngestPacer } from './ingest.pacer';
import { addLine, copyRow, emptyColumns, EVENT_COLUMN_NAMES, EventColumns } from './event-rows';
import { LogTail, TailBatch } from './log-tail.reader';
import { foldRunsInto } from './postgres-runs.fold';
import { dayOf, Partitions } from './postgres.partitions';

/** What one `step()` did. */
export interface IngestStep {
  /** Lines read from the files (ingested, or passed over as already there or not events). */
  lines: number;
  /** Rows inserted (a re-sent row is not). */
  inserted: number;
  /**
   * The checkpoint in the database was not the one this process last wrote (a crash that lost
   * acknowledged commits, a restore): the files are read again from the database's checkpoint.
   */
  rewound?: { from: string | undefined; to: string | undefined };
}

/** The checkpoint row was not where this process left it: the batch is rolled back, not stored. */
class CheckpointMoved extends Error {}

const DAY = 86_400_000;

/** Lines parsed between two looks at the clock (`IngestPacer.due()`): a power of two, minus one. */
const CHECK_EVERY = 63;

/** SQLSTATE of a unique key violation: a row of the batch is stored already. */
const UNIQUE_VIOLATION = '23505';

/** What one way of inserting a batch added: its count, and the new events that belong to a run. */
interface Added {
  inserted: number;
  runEvents: OrchestratorEvent[];
}

/** A batch read and turned into rows, not stored yet. */
interface PreparedBatch {
  tail: TailBatch;
  columns: EventColumns;
  /** The same rows in COPY's text format, made while the previous batch was being stored. */
  copy: Buffer;
  /** The newest event_id in it, or the checkpoint when it adds nothing. */
  newest: string | undefined;
  days: Set<string>;
  /** The batch's events that belong to a run, by event_id: folded into `runs` once inserted. */
  runEvents: Map<string, OrchestratorEvent>;
}

/**
 * Moves this instance's lines from its files into PostgreSQL, one batch per step: one `COPY`
 * (or, when a row is there already, one `INSERT ... SELECT FROM unnest(...) ON CONFLICT DO
 * NOTHING`) and the checkpoint (the last event_id, per orch_id) in the same transaction. The files are read only after a commit counts:
 * a failed batch is read again, a committed one never, so every event lands exactly once.
 */
export class PostgresIngest {
  /** The checkpoint: the newest event_id ingested from this instance's files. */
  private lastId: string | undefined;
  private loaded = false;
  /** Whether the checkpoint was ever read: a later read that differs is worth a warning. */
  private started = false;
  /** The next batch, read while the previous one was being stored. */
  private ahead: PreparedBatch | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly orchId: string,
    private readonly tail: LogTail,
    private readonly partitions: Partitions,
    private readonly batchSize: number,
    private readonly retentionMs: number,
    /** Gives way to the app's own work during a burst: the parsing rests between slices. */
    private readonly pacer: IngestPacer,
  ) {}

  /**
   * Reads the checkpoint (at start and after each failure: between failures it only moves through
   * this object). The database's checkpoint is the truth: when it is behind what this process
   * wrote, the server lost commits it had acknowledged (`synchronous_commit = off` and a crash,
   * or a restore), and the lines after it are read again from the files.
   */
  private async load(): Promise<IngestStep['rewound']> {
    if (this.loaded) return undefined;
    const result = await this.pool.query<{ last_event_id: string }>(
      `SELECT last_event_id FROM "${this.schema}".ingest_checkpoints WHERE orch_id = $1`,
      [this.orchId],
    );
    const stored: string | undefined = result.rows[0]?.last_event_id;
    const known = this.lastId;
    const first = !this.started;
    this.lastId = stored;
    this.loaded = true;
    this.started = true;
    if (stored === known) return undefined;
    this.tail.rewind();
    // At start there is nothing to report: the checkpoint is simply where this process begins.
    return first ? undefined : { from: known, to: stored };
  }

  /** Keeps the reader's view of the files up to date while the database does not answer. */
  watch(): void {
    this.tail.discover(this.lastId);
  }

  async step(): Promise<IngestStep> {
    const rewound = await this.load();
    const batch = this.ahead ?? (await this.prepare(this.lastId));
    this.ahead = undefined;
    const store =
      batch.newest !== this.lastId && batch.newest !== undefined
        ? this.partitions.ensure(batch.days).then(() => this.commit(batch, batch.newest as string))
        : Promise.resolve(0);
    // A full batch: read and parse the next one while the database stores this one.
    const next =
      batch.tail.lines.length >= this.batchSize
        ? this.prepare(batch.newest, batch.tail)
        : undefined;
    let inserted: number;
    try {
      inserted = await store;
    } catch (error) {
      await next?.catch(() => undefined);
      if (!(error instanceof CheckpointMoved)) throw error;
      // Read the checkpoint again at the next step; that read rewinds the files.
      this.reset();
      return { lines: 0, inserted: 0, rewound };
    }
    batch.tail.commit();
    this.lastId = batch.newest;
    this.ahead = await next;
    return { lines: batch.tail.lines.length, inserted, rewound };
  }

  /** Reads up to a batch of lines (after `after` when given) and makes its rows. */
  private async prepare(lastId: string | undefined, after?: TailBatch): Promise<PreparedBatch> {
    const tail = await this.tail.read(lastId, this.batchSize, after);
    const columns = emptyColumns();
    const cutoff = Date.now() - this.retentionMs;
    let newest = lastId;
    const days = new Set<string>();
    let lastDay = NaN;
    const runEvents = new Map<string, OrchestratorEvent>();
    const copy: string[] = [];
    // The newest line's time: how far behind the writer the parsing is.
    let lineMs = Date.now();
    this.pacer.start();
    for (let i = 0; i < tail.lines.length; i++) {
      // The loop turns now and then: the app's own work goes first during a burst, and the stored
      // batch's next statement is not held up by the parsing of the next batch.
      if ((i & CHECK_EVERY) === CHECK_EVERY && this.pacer.due()) await this.pacer.pause(lineMs);
      const line = tail.lines[i];
      const before = columns.event_id.length;
      const event = addLine(columns, line);
      if (event === undefined) continue;
      const ms = Date.parse(event.timestamp);
      if (!Number.isNaN(ms)) lineMs = ms;
      // Already ingested (a restart re-reads the file it stopped in), or past the retention.
      if ((lastId !== undefined && event.event_id <= lastId) || ms < cutoff) {
        for (const column of Object.values(columns)) (column as unknown[]).length = before;
        continue;
      }
      // One string per day, not per event (a batch rarely spans two).
      const dayNumber = Math.floor(ms / DAY);
      if (dayNumber !== lastDay) days.add(dayOf(ms));
      lastDay = dayNumber;
      if (typeof event.run_id === 'string' && event.run_id !== '') {
        runEvents.set(event.event_id, event);
      }
      if (newest === undefined || event.event_id > newest) newest = event.event_id;
      copy.push(copyRow(columns, before));
    }
    return { tail, columns, copy: Buffer.from(copy.join(''), 'utf8'), newest, days, runEvents };
  }

  /**
   * Stores the batch and moves the checkpoint, in one transaction. First by `COPY` (the fastest
   * way in): the unique key makes it fail whole if any row is already there, and then the batch
   * goes again row by row, `ON CONFLICT DO NOTHING`. Either way every event lands once.
   */
  private async commit(batch: PreparedBatch, lastId: string): Promise<number> {
    const client = await this.pool.connect();
    try {
      let inserted: number;
      try {
        inserted = await this.transaction(client, batch, lastId, () => this.copy(client, batch));
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
        await client.query('ROLLBACK');
        inserted = await this.transaction(client, batch, lastId, () => this.merge(client, batch));
      }
      client.release();
      return inserted;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      // A broken connection is not put back in the pool.
      client.release(error instanceof CheckpointMoved ? undefined : (error as Error));
      throw error;
    }
  }

  /** BEGIN, the rows by `insert`, their runs folded, the checkpoint, COMMIT: the rows inserted. */
  private async transaction(
    client: PoolClient,
    batch: PreparedBatch,
    lastId: string,
    insert: () => Promise<Added>,
  ): Promise<number> {
    const s = this.schema;
    // The files are the durable record: a commit the server loses in a crash loses its checkpoint
    // with it (WAL order), and those lines are ingested again. Not waiting for the WAL flush on
    // each batch takes the fsync out of the lag. (One round trip for both statements.)
    await client.query('BEGIN; SET LOCAL synchronous_commit = off');
    const added = await insert();
    await foldRunsInto(client, s, added.runEvents);
    // The checkpoint moves only from where this process left it (none: no row yet). Else the
    // database went back in time, and what this batch assumed stored may not be. (`xmax = 0`: the
    // row was inserted, not updated.)
    const moved = await client.query<{ inserted: boolean }>(
      `INSERT INTO "${s}".ingest_checkpoints (orch_id, last_event_id, lines) VALUES ($1, $2, $3)
       ON CONFLICT (orch_id) DO UPDATE SET last_event_id = excluded.last_event_id,
         lines = "${s}".ingest_checkpoints.lines + excluded.lines, updated_at = now()
       WHERE "${s}".ingest_checkpoints.last_event_id = $4
       RETURNING (xmax = 0) AS inserted`,
      [this.orchId, lastId, batch.tail.lines.length, this.lastId ?? null],
    );
    const row = moved.rows[0];
    if (row === undefined || row.inserted !== (this.lastId === undefined))
      throw new CheckpointMoved();
    await client.query('COMMIT');
    return added.inserted;
  }

  /** Every row by `COPY ... FROM STDIN`: all of them are new, or it fails. */
  private async copy(client: PoolClient, batch: PreparedBatch): Promise<Added> {
    const inserted = await copyIn(
      client,
      `COPY "${this.schema}".events (${EVENT_COLUMN_NAMES.join(', ')}) FROM STDIN`,
      batch.copy,
    );
    return { inserted, runEvents: [...batch.runEvents.values()] };
  }

  /** The rows not stored yet, by one `INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING`. */
  private async merge(client: PoolClient, batch: PreparedBatch): Promise<Added> {
    const { columns, runEvents } = batch;
    // RETURNING names the rows this INSERT added: only those are folded into their runs, so
    // a re-sent batch (after a commit whose answer was lost) counts nothing twice.
    const result = await client.query<{ inserted: number; run_events: string[] | null }>(
      `WITH added AS (
         INSERT INTO "${this.schema}".events (${EVENT_COLUMN_NAMES.join(', ')})
         SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::smallint[], $5::text[],
           $6::text[], $7::text[], $8::text[], $9::jsonb[], $10::text[])
         ON CONFLICT DO NOTHING
         RETURNING event_id, run_id)
       SELECT count(*)::int AS inserted,
         array_agg(event_id) FILTER (WHERE run_id IS NOT NULL) AS run_events FROM added`,
      EVENT_COLUMN_NAMES.map((name) => columns[name]),
    );
    const added = result.rows[0];
    const folded: OrchestratorEvent[] = [];
    for (const id of added?.run_events ?? []) {
      const event = runEvents.get(id);
      if (event !== undefined) folded.push(event);
    }
    return { inserted: added?.inserted ?? 0, runEvents: folded };
  }

  /** Forgets the checkpoint read: after an outage it is read again (another process may own it). */
  reset(): void {
    this.loaded = false;
    this.ahead = undefined;
  }
}
