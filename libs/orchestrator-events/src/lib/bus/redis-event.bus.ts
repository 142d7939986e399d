/* eslint-disable max-lines -- one state machine (stream mode, local mode during an outage, the
   read-back of its own events) whose delivery-order invariants span every method; the stream
   reading (redis-stream.replay.ts), history, codec and delivery ring are already apart. */
import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { EventFilter } from '@orchestrator/events-contract';
import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { BuiltEvent } from '../write/event-line';
import { HistorySource } from '../history/history-source';
import { WriteOutScheduler } from '../write/write-out.scheduler';
import { EventBus, EventSubscription, RedisEventBusState, ReplayResult } from './event-bus';
import { MemoryEventBus } from './memory-event.bus';
import { createRedisConnection, redactUrl } from './redis-connection';
import { ReplayRing } from './replay.ring';
import { oldestStreamEventId, scanStreamHistory } from './redis-history';
import { replayFromStream } from './redis-stream.replay';
import {
  decodeRange,
  decodeRead,
  encodeEntry,
  PendingEntry,
  StreamEntry,
} from './redis-stream.codec';

/** Settings of the Redis Stream bus (resolved from `REDIS_URL` and `ORCH_REDIS_*`). */
export interface RedisEventBusOptions {
  /** `redis://[user:password@]host:port[/db]`. Env `REDIS_URL`. */
  url: string;
  /** The stream key shared by all instances. Env `ORCH_REDIS_STREAM`, default `orch:events`. */
  stream: string;
  /** Approximate length the stream is trimmed to (`MAXLEN ~`). Env `ORCH_REDIS_STREAM_MAXLEN`, default 100000. */
  maxLen: number;
  /** Events kept for the stream while Redis is unreachable; beyond it the oldest are dropped (from the stream only). Env `ORCH_REDIS_BUFFER`, default 100000. */
  buffer: number;
  /** This instance's orchestrator id, part of its publisher tag. */
  orchId: string;
  /** Recent deliveries kept in memory for resumption without a Redis round trip. Env `ORCH_REPLAY_BUFFER`, default 1000. */
  replayBufferSize: number;
  /** When the XADD queue is written out: the module's one scheduler. */
  scheduler: WriteOutScheduler;
}

/** XADDs per pipelined round trip. */
const WRITE_BATCH = 500;
/** Entries per XREAD; BLOCK timeout so the loop notices a closed bus. */
const READ_COUNT = 1000;
const BLOCK_MS = 2000;
/** Bounded wait for the buffer to drain at shutdown. */
const SHUTDOWN_DRAIN_MS = 3000;

/**
 * The shared bus for several instances: a Redis Stream. Each instance XADDs its own events (pipelined,
 * never awaited by `log()`) and runs one blocking reader that feeds all of its local subscribers.
 *
 * Local delivery order: while Redis is up every instance delivers every event, its own included, in
 * stream order (its own when the reader reads them back), so all instances agree. While Redis is
 * unreachable an instance delivers its own events at publish time (its clients keep receiving them),
 * buffers them for the stream, and marks them `pre` with the stream position its reader had reached.
 */
export class RedisEventBus implements EventBus, OnApplicationShutdown {
  private readonly local = new MemoryEventBus(0);
  private readonly ring: ReplayRing;
  private readonly writer: Redis;
  private readonly reader: Redis;
  /** This process's publisher tag: a restarted instance with the same ORCH_ID is another publisher. */
  private readonly src: string;
  private readonly logger = new Logger('RedisEventBus');
  /** Own events waiting for XADD, oldest first, at most `options.buffer`. */
  private queue: PendingEntry[] = [];
  /** Own events sent to Redis, not answered yet. */
  private inflight = 0;
  /** Own events of cut batches, in sending order, put back in front once nothing is in flight. */
  private retry: PendingEntry[] = [];
  /** The handling of the batches in flight, chained in sending order. */
  private acks: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  /** Own events added in stream mode and not read back yet (not delivered locally yet). */
  private readonly awaiting = new Map<string, PendingEntry>();
  /** Own events delivered locally at publish time: the reader must not deliver their stream copy. */
  private readonly preDelivered = new Set<string>();
  /** The stream id of the last entry the reader delivered; undefined until it first connects. */
  private readerPos: string | undefined;
  private readerHealthy = false;
  private dropped = 0;
  private lastError: string | null = null;
  private closed = false;
  /** Not connected (yet, or any more): for logging the transitions once each. */
  private down = true;
  private everConnected = false;
  private wakeups: (() => void)[] = [];
  private readLoop: Promise<void> = Promise.resolve();
  private readonly scheduler: WriteOutScheduler;

  constructor(private readonly options: RedisEventBusOptions) {
    this.scheduler = options.scheduler;
    this.ring = new ReplayRing(options.replayBufferSize, 'delivery');
    this.src = `${options.orchId}:${randomBytes(6).toString('hex')}`;
    this.writer = createRedisConnection(options.url, `orch-events:${this.src}:writer`);
    this.reader = createRedisConnection(options.url, `orch-events:${this.src}:reader`);
    for (const conn of [this.writer, this.reader]) {
      conn.on('ready', () => this.onReady());
      conn.on('close', () => this.onClose());
      conn.on('error', (err: Error) => this.noteError(err));
    }
  }

  /** Connects without waiting: if Redis is down the app starts anyway, with a warning, and connects when it is back. */
  start(): void {
    const where = redactUrl(this.options.url);
    Promise.all([this.writer.connect(), this.reader.connect()]).catch((err: Error) => {
      if (!this.everConnected && !this.closed) {
        this.logger.warn(
          `Redis at ${where} is not reachable (${this.lastError ?? describe(err)}): starting without it. Events go to the ` +
            'file and to local clients, and are added to the stream once Redis is back.',
        );
      }
    });
    this.readLoop = this.runReader();
  }

  /** Publishes one event: buffered for XADD at once; delivered locally now if Redis is unreachable. */
  publish(built: BuiltEvent): void {
    const entry: PendingEntry = { built, pre: false, seen: undefined };
    if (this.closed) {
      this.deliver(built);
      return;
    }
    if (this.streamMode()) {
      this.awaiting.set(built.id, entry);
    } else {
      // Own events still waiting for their read-back go first, keeping publishing order.
      this.enterLocalMode();
      this.markPre(entry);
      this.deliver(built);
    }
    this.enqueue(entry);
  }

  subscribe(filter: EventFilter, listener: (event: BuiltEvent) => void): EventSubscription {
    return this.local.subscribe(filter, listener);
  }

  /**
   * Matching events after `afterId`. From the local delivery ring when this instance delivered it
   * recently (exactly what its clients saw after it); else by stream position: every entry after it,
   * plus, when it was delivered at publish time during an outage, the other publishers' entries
   * between its publisher's reader position and it; plus this instance's buffered outage events.
   * `undefined` when the id is in neither (or Redis is down): the caller reads the files.
   */
  async replay(afterId: string, filter: EventFilter): Promise<ReplayResult> {
    const recent = this.ring.after(afterId, filter);
    if (recent !== undefined) return recent;
    if (this.writer.status !== 'ready') return undefined;
    try {
      return await replayFromStream(this.writer, this.options.stream, afterId, filter, () =>
        this.queue.filter((p) => p.pre),
      );
    } catch (err) {
      this.noteError(err as Error);
      return undefined;
    }
  }

  /**
   * The stream as a history source: every instance's events within its retention, merged by
   * `EventHistory` with this instance's files. It answers `undefined` while Redis is down.
   */
  readonly history: HistorySource = {
    name: 'redis',
    // A window of recent events: a store of every instance's events makes it unneeded.
    coverage: 'window',
    query: (query) => this.fromStream((redis, key) => scanStreamHistory(redis, key, query)),
    oldestEventId: () => this.fromStream(oldestStreamEventId),
  };

  /** A read of the stream; undefined while Redis is down or when the read fails. */
  private async fromStream<T>(
    read: (redis: Redis, key: string) => Promise<T>,
  ): Promise<T | undefined> {
    if (this.writer.status !== 'ready') return undefined;
    try {
      return await read(this.writer, this.options.stream);
    } catch (err) {
      this.noteError(err as Error);
      return undefined;
    }
  }

  subscriberCount(): number {
    return this.local.subscriberCount();
  }

  state(): RedisEventBusState {
    return {
      kind: 'redis',
      // Connected means both connections up and the reader positioned: events flow through the stream.
      connected: this.streamMode(),
      stream: this.options.stream,
      buffered: this.queue.length + this.inflight + this.retry.length,
      dropped: this.dropped,
      lastError: this.lastError,
    };
  }

  /** Adds what is still buffered (bounded wait), then closes both connections. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** See `onApplicationShutdown`. Later `publish()` calls deliver locally only. */
  async close(): Promise<void> {
    if (this.closed) return;
    const deadline = Date.now() + SHUTDOWN_DRAIN_MS;
    while (this.state().buffered > 0 && this.writer.status === 'ready') {
      if (Date.now() > deadline) break;
      this.flush();
      await sleep(10);
    }
    this.closed = true;
    this.wake();
    this.reader.disconnect();
    this.writer.disconnect();
    await this.readLoop;
  }

  private streamMode(): boolean {
    return this.readerHealthy && this.writer.status === 'ready' && this.reader.status === 'ready';
  }

  /** Delivers locally every own event still waiting for its read-back: Redis will not bring it soon. */
  private enterLocalMode(): void {
    if (this.awaiting.size === 0) return;
    for (const entry of this.awaiting.values()) {
      this.markPre(entry);
      this.deliver(entry.built);
    }
    this.awaiting.clear();
  }

  private markPre(entry: PendingEntry): void {
    entry.pre = true;
    entry.seen = this.readerPos;
    this.preDelivered.add(entry.built.id);
    // Bounded: an id whose stream copy never comes back (dropped, or added before the reader's start).
    const cap = this.options.buffer + this.inflight + 1000;
    if (this.preDelivered.size > cap) {
      const oldest = this.preDelivered.values().next().value;
      if (oldest !== undefined) this.preDelivered.delete(oldest);
    }
  }

  private deliver(built: BuiltEvent): void {
    // The ring also drops a second copy of an event (an XADD resent after a cut connection).
    if (this.ring.add(built.id, built.line)) this.local.publish(built);
  }

  private enqueue(entry: PendingEntry): void {
    this.queue.push(entry);
    this.trimQueue();
    this.scheduleFlush();
  }

  /** Drop-oldest beyond the buffer: from the stream only; the file has every event. */
  private trimQueue(): void {
    while (this.queue.length > this.options.buffer) {
      const old = this.queue.shift() as PendingEntry;
      this.dropped++;
      const id = old.built.id;
      if (old.pre) {
        this.preDelivered.delete(id);
      } else if (this.awaiting.delete(id)) {
        this.deliver(old.built);
      }
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.scheduler.schedule(this.flushScheduledTurn);
  }

  private readonly flushScheduledTurn = () => {
    this.flushScheduled = false;
    this.flush();
  };

  /**
   * XADDs the queue in pipelined batches, written at once even while earlier ones wait for their
   * replies (as plain ioredis commands would be): waiting for the previous reply first made an
   * event logged meanwhile wait a whole round trip (more when this process is descheduled).
   * Nothing is sent while a cut batch waits to be put back in front, which keeps stream order.
   */
  private flush(): void {
    while (this.queue.length > 0 && this.writer.status === 'ready' && this.retry.length === 0) {
      this.send(this.queue.splice(0, WRITE_BATCH));
    }
  }

  private send(batch: PendingEntry[]): void {
    this.inflight += batch.length;
    let reply: Promise<[Error | null, unknown][] | null>;
    try {
      const pipeline = this.writer.pipeline();
      for (const entry of batch) {
        pipeline.xadd(
          this.options.stream,
          'MAXLEN',
          '~',
          this.options.maxLen,
          '*',
          ...encodeEntry(entry, this.src),
        );
      }
      reply = pipeline.exec();
    } catch (err) {
      reply = Promise.reject(err);
    }
    const settled = reply.catch((err: Error) => {
      this.noteError(err);
      return null;
    });
    // Replies are handled in sending order, so that cut batches are put back in that order.
    this.acks = this.acks.then(async () => this.settle(batch, await settled));
  }

  /** One batch's replies: failures dropped (refused) or kept for a resend once nothing is in flight. */
  private settle(batch: PendingEntry[], results: [Error | null, unknown][] | null): void {
    this.inflight -= batch.length;
    batch.forEach((entry, i) => {
      const err = results === null ? new Error('no reply') : results[i]?.[0];
      if (!err) return;
      this.noteError(err);
      // Redis refused this very command (wrong key type...): resending would fail again.
      if (err.name === 'ReplyError') this.dropFailed(entry);
      else this.retry.push(entry);
    });
    if (this.inflight > 0 || this.retry.length === 0) return;
    // Cut connection: some may have been added anyway; readers drop a second copy by id.
    this.queue.unshift(...this.retry);
    this.retry = [];
    this.trimQueue();
    this.enterLocalMode();
    // Sent when the writer is ready (again): maybe already, its 'ready' came while these waited.
    this.scheduleFlush();
  }

  private dropFailed(entry: PendingEntry): void {
    this.dropped++;
    const id = entry.built.id;
    if (entry.pre) this.preDelivered.delete(id);
    else if (this.awaiting.delete(id)) this.deliver(entry.built);
  }

  /**
   * The one blocking reader of this instance. The next XREAD is sent before a batch is delivered:
   * its position is known from the reply, and an entry added while the batch is delivered (to SSE
   * clients: the longest part) is then on its way already instead of waiting for that round trip.
   */
  private async runReader(): Promise<void> {
    let next: Promise<unknown> | undefined;
    while (!this.closed) {
      if (this.reader.status !== 'ready') {
        this.readerHealthy = false;
        next = undefined;
        await this.untilWoken();
        continue;
      }
      try {
        if (this.readerPos === undefined) {
          // First connection: start at the stream's end (a `$` that cannot skip what is added
          // between two XREADs). Later connections continue where the reader stopped.
          const last = decodeRange(
            await this.reader.xrevrange(this.options.stream, '+', '-', 'COUNT', 1),
          );
          this.readerPos = last.lastId ?? '0-0';
        }
        this.readerHealthy = true;
        const read = decodeRead(await (next ?? this.read(this.readerPos)));
        next = read.lastId === undefined ? undefined : this.read(read.lastId);
        this.onRead(read);
      } catch (err) {
        this.readerHealthy = false;
        next = undefined;
        if (this.closed) return;
        this.noteError(err as Error);
        this.enterLocalMode();
        await sleep(200);
      }
    }
  }

  /** One blocking XREAD after `pos`; a failure is seen where it is awaited, or not at all (closed, cut). */
  private read(pos: string): Promise<unknown> {
    const reply = this.reader.xread(
      'COUNT',
      READ_COUNT,
      'BLOCK',
      BLOCK_MS,
      'STREAMS',
      this.options.stream,
      pos,
    );
    reply.catch(() => undefined);
    return reply;
  }

  private onRead(read: { entries: StreamEntry[]; lastId?: string }): void {
    for (const entry of read.entries) {
      this.readerPos = entry.streamId;
      const id = entry.built.id;
      if (entry.src === this.src) {
        if (this.preDelivered.delete(id)) continue;
        this.awaiting.delete(id);
      }
      this.deliver(entry.built);
    }
    // Also past entries that were not ours to decode.
    if (read.lastId !== undefined) this.readerPos = read.lastId;
  }

  private onReady(): void {
    if (this.writer.status !== 'ready' || this.reader.status !== 'ready') {
      this.wake();
      return;
    }
    if (this.down) {
      this.down = false;
      // Health shows the errors of the current connection only: an outage's ECONNREFUSED is over.
      this.lastError = null;
      this.logger.log(
        `${this.everConnected ? 'Redis is back' : 'Connected'}: Redis Stream "${this.options.stream}" ` +
          `at ${redactUrl(this.options.url)}, ${this.queue.length} buffered events to add`,
      );
      this.everConnected = true;
    }
    this.wake();
    this.scheduleFlush();
  }

  private onClose(): void {
    if (this.closed) return;
    if (!this.down) {
      this.down = true;
      this.logger.warn(
        `Lost the Redis connection (${this.lastError ?? 'closed'}): events go to the file and local ` +
          'clients, and are buffered for the stream until Redis is back.',
      );
    }
    this.enterLocalMode();
  }

  private noteError(err: Error): void {
    this.lastError = describe(err);
  }

  private untilWoken(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.wakeups.push(resolve));
  }

  private wake(): void {
    const wakeups = this.wakeups;
    this.wakeups = [];
    for (const resolve of wakeups) resolve();
  }
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  return e?.code ?? e?.message ?? String(err);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
