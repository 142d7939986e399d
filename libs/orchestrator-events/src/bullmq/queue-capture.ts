import { Logger } from '@nestjs/common';
import type * as BullMQ from 'bullmq';
import type Redis from 'ioredis';
import { EventLogger } from '../lib/write/event-logger.service';
import { EventHistory } from '../lib/history/event-history.service';
import { ResolvedBullMQOptions } from './bullmq.options';
import { CaptureCursor } from './capture-cursor';
import { BullMQJobRef, JobIdDeriver } from './job-ids';
import { JobSnapshot, JobTransitions } from './job-transitions';
import { CAPTURED_EVENTS, entryFromFields, QueueEventEntry } from './queue-event-entry';
import { compareStreamIds } from './stream-id';

/** Entries before the cursor replayed at start, at most, to restore the attempts of jobs in flight. */
const REPLAY_ENTRIES = 50_000;
/** Wait before retrying a batch whose jobs could not be read (Redis unreachable). */
const RETRY_MS = 1000;
/** Jobs whose ids are remembered (their data is read once): the most recent ones. */
const MAX_REFS = 10_000;

/**
 * Records one queue's job transitions: a `QueueEvents` reader of the queue's event stream (so it
 * sees jobs of every worker process), resumed from the cursor, feeding batches that are mapped in
 * stream order, logged, written, and only then acknowledged by moving the cursor.
 */
export class QueueCapture {
  private readonly transitions: JobTransitions;
  private readonly refs = new Map<string, BullMQJobRef>();
  private readonly cursor: CaptureCursor;
  private readonly diagnostics: Logger;
  private queueEvents: BullMQ.QueueEvents | undefined;
  private queue: BullMQ.Queue | undefined;
  private inbox: QueueEventEntry[] = [];
  private running = false;
  private draining: Promise<void> | undefined;
  private closing = false;
  /** The last problem reported per source (queue, events reader, job reads, cursor). */
  private readonly reported = new Map<string, string>();

  constructor(
    private readonly name: string,
    private readonly bullmq: typeof BullMQ,
    private readonly redis: Redis,
    private readonly options: ResolvedBullMQOptions,
    private readonly events: EventLogger,
    history: EventHistory,
    ids: JobIdDeriver,
  ) {
    this.transitions = new JobTransitions(name, ids, options.maxValueBytes);
    this.cursor = new CaptureCursor(
      redis,
      `${options.prefix}:${name}:orchestrator-events:${events.orchId}`,
      history,
      events.orchId,
      name,
    );
    this.diagnostics = new Logger(`BullMQCapture:${name}`);
  }

  private get streamKey(): string {
    return `${this.options.prefix}:${this.name}:events`;
  }

  /** Resolves the cursor, restores jobs in flight and starts reading the stream after the cursor. */
  async start(): Promise<void> {
    let cursor = await this.cursor.load();
    if (cursor === undefined) {
      // First start: from now on (the stream's current end), remembered at once so that a crash
      // before the first batch does not move the start forward.
      const [last] = (await this.redis.xrevrange(this.streamKey, '+', '-', 'COUNT', 1)) ?? [];
      cursor = last?.[0] ?? '0-0';
      await this.cursor.save(cursor);
    } else {
      await this.reportTrimmed(cursor);
      await this.replayBefore(cursor);
    }
    if (this.closing) return;
    this.queue = new this.bullmq.Queue(this.name, {
      connection: this.redis,
      prefix: this.options.prefix,
    });
    this.queue.on('error', (err) => this.warn('queue', err.message));
    const queueEvents = new this.bullmq.QueueEvents(this.name, {
      connection: this.redis,
      prefix: this.options.prefix,
      lastEventId: cursor,
      autorun: false,
    });
    this.queueEvents = queueEvents;
    queueEvents.on('error', (err) => this.warn('events reader', err.message));
    for (const event of CAPTURED_EVENTS) {
      (queueEvents as unknown as NodeJS.EventEmitter).on(
        event,
        (args: Record<string, unknown>, id: string) => this.receive(event, args, id),
      );
    }
    queueEvents.run().catch((err: Error) => {
      if (!this.closing) this.warn('events reader', `stopped: ${err.message}`);
    });
  }

  /** Stops reading, finishes the batch in hand (events logged, written, cursor stored). */
  async close(): Promise<void> {
    this.closing = true;
    await this.queueEvents?.close().catch(() => undefined);
    await this.draining;
    await this.queue?.close().catch(() => undefined);
  }

  /**
   * QueueEvents emits one read's entries synchronously, one after the other: they are collected
   * here and handled together on the next turn, so an entry and the one written with it in the
   * same BullMQ script (a stall's `waiting` + `stalled`, `failed` + `retries-exhausted`) are seen
   * side by side.
   */
  private receive(event: string, args: Record<string, unknown>, id: string): void {
    const { jobId, ...rest } = args;
    this.inbox.push({
      id,
      event,
      jobId: typeof jobId === 'string' ? jobId : undefined,
      args: rest,
    });
    if (this.running) return;
    this.running = true;
    this.draining = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.drain());
  }

  private async drain(): Promise<void> {
    try {
      while (this.inbox.length > 0) {
        const batch = this.inbox;
        this.inbox = [];
        const jobs = await this.fetchUntilDone(batch);
        if (jobs === undefined) return;
        await this.handle(batch, jobs);
      }
    } finally {
      // Cleared in the same turn as the last check of the inbox: an entry received after it
      // starts a new drain.
      this.running = false;
    }
  }

  /**
   * The batch's jobs, read again after a pause while Redis cannot answer: nothing of the batch has
   * been logged yet, so trying again cannot double anything. `undefined` when closing meanwhile
   * (the batch is read again from the stream at the next start).
   */
  private async fetchUntilDone(
    batch: QueueEventEntry[],
  ): Promise<Map<string, JobSnapshot | undefined> | undefined> {
    for (;;) {
      try {
        return await this.fetchJobs(batch);
      } catch (err) {
        this.warn('job reads', `could not read jobs, retrying: ${(err as Error).message}`);
        if (this.closing) return undefined;
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }

  /** Logs the batch's events in stream order, waits until they are written, then moves the cursor. */
  private async handle(
    batch: QueueEventEntry[],
    jobs: Map<string, JobSnapshot | undefined>,
  ): Promise<void> {
    const inputs = [];
    for (let i = 0; i < batch.length; i++) {
      const entry = batch[i];
      const jobId = entry.jobId;
      if (jobId === undefined) continue;
      const job = jobs.get(jobId);
      const ref = this.refOf(jobId, entry, job);
      inputs.push(...this.transitions.map(entry, batch[i + 1], ref, job));
      if (entry.event === 'completed' || entry.event === 'removed' || entry.event === 'failed') {
        this.refs.delete(jobId);
      }
    }
    for (const input of inputs) this.events.log(input);
    // Reading works again: the next problem of any source is reported anew.
    this.reported.clear();
    await this.events.flush();
    // A cursor not stored now is covered by the next batch's, or at a restart by the ids in the log.
    await this.cursor
      .save(batch[batch.length - 1].id)
      .catch((err: Error) => this.warn('cursor', `could not store the cursor: ${err.message}`));
  }

  /** Reads, `fetchConcurrency` at a time, the jobs of this batch whose data or state is needed. */
  private async fetchJobs(batch: QueueEventEntry[]): Promise<Map<string, JobSnapshot | undefined>> {
    const wanted = new Set<string>();
    for (let i = 0; i < batch.length; i++) {
      const jobId = batch[i].jobId;
      if (jobId === undefined) continue;
      if (!this.refs.has(jobId) || this.transitions.needsFreshJob(batch[i], batch[i + 1])) {
        wanted.add(jobId);
      }
    }
    const ids = [...wanted];
    const out = new Map<string, JobSnapshot | undefined>();
    const worker = async () => {
      for (let id = ids.pop(); id !== undefined; id = ids.pop()) {
        out.set(id, await this.fetchJob(id));
      }
    };
    await Promise.all(Array.from({ length: this.options.fetchConcurrency }, worker));
    return out;
  }

  private async fetchJob(jobId: string): Promise<JobSnapshot | undefined> {
    const job = await this.bullmq.Job.fromId(this.queue as BullMQ.Queue, jobId);
    if (job === undefined || job === null) return undefined;
    const attemptsMade = Number(job.attemptsMade ?? 0);
    return {
      ref: { queue: this.name, id: jobId, name: job.name, data: job.data },
      attemptsStarted: Number(job.attemptsStarted ?? attemptsMade),
      attemptsMade,
      maxAttempts: Math.max(1, Number(job.opts?.attempts) || 1),
      failedReason: job.failedReason ? String(job.failedReason) : undefined,
      stacktrace: Array.isArray(job.stacktrace) ? job.stacktrace.map(String) : [],
      processedOn: job.processedOn ?? undefined,
      finishedOn: job.finishedOn ?? undefined,
    };
  }

  /**
   * The job's ids source, read once per job: the data does not change between its events, and a
   * job removed on completion may be gone when its later events are handled.
   */
  private refOf(jobId: string, entry: QueueEventEntry, job: JobSnapshot | undefined): BullMQJobRef {
    let ref = this.refs.get(jobId);
    if (ref === undefined) {
      ref = job?.ref ?? {
        queue: this.name,
        id: jobId,
        name: typeof entry.args['name'] === 'string' ? entry.args['name'] : '',
        data: undefined,
      };
      this.refs.set(jobId, ref);
      if (this.refs.size > MAX_REFS) this.refs.delete(this.refs.keys().next().value as string);
    }
    return ref;
  }

  /** Replays the stream up to the cursor (the newest `REPLAY_ENTRIES`) into the attempt state. */
  private async replayBefore(cursor: string): Promise<void> {
    const entries: QueueEventEntry[] = [];
    let end = cursor;
    while (entries.length < REPLAY_ENTRIES) {
      const page = await this.redis.xrevrange(this.streamKey, end, '-', 'COUNT', 1000);
      for (const [id, fields] of page) entries.push(entryFromFields(id, fields));
      if (page.length < 1000) break;
      end = `(${page[page.length - 1][0]}`;
    }
    this.transitions.attempts.replay(entries.reverse());
  }

  /** Logs once when entries after the cursor were trimmed from the stream before being read. */
  private async reportTrimmed(cursor: string): Promise<void> {
    let info: unknown[];
    try {
      info = (await this.redis.call('XINFO', 'STREAM', this.streamKey)) as unknown[];
    } catch {
      return; // no stream yet, or a Redis before 7 (no max-deleted-entry-id): nothing to compare
    }
    const at = info.indexOf('max-deleted-entry-id');
    const deleted = at >= 0 ? String(info[at + 1]) : undefined;
    if (deleted === undefined || compareStreamIds(deleted, cursor) <= 0) return;
    this.events.warn('bullmq_events_lost', {
      queue: this.name,
      message:
        `QueueEvents entries after ${cursor} up to ${deleted} were trimmed from the stream before ` +
        'this app read them (it was down longer than the stream keeps entries: streams.events.maxLen)',
      after: cursor,
      up_to: deleted,
    });
  }

  /** One line per problem and source, not one per reconnection attempt. */
  private warn(source: string, message: string): void {
    if (this.reported.get(source) === message) return;
    this.reported.set(source, message);
    this.diagnostics.warn(`${source}: ${message}`);
  }

  /** Whether `close()` was called: a failure after it is the shutdown's, not worth a report. */
  get isClosing(): boolean {
    return this.closing;
  }
}
