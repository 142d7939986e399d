import { ServerResponse } from 'node:http';

/**
 * One open stream. Frames go straight to the socket while it takes them. When it stops (the client
 * reads slower than events come, or not at all), later frames wait here as references to the shared
 * frame buffers, not as copies nor as chunks queued on the socket, and go out when it drains. The
 * client is cut, once, when the bytes waiting for it (here and in the socket's buffer) would pass
 * `maxBacklogBytes`: a reader whose backlog stays under that is never cut, however slow, and one
 * that is cut comes back with Last-Event-ID and loses nothing.
 */
export class SseClient {
  private blocked = false;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private closed = false;
  private cut = false;
  /** An event went out since the last heartbeat tick. */
  private busy = false;
  private drainWaiters: (() => void)[] = [];

  constructor(
    private readonly res: ServerResponse,
    private readonly maxBacklogBytes: number,
  ) {
    res.on('drain', () => {
      this.blocked = false;
      this.flushPending();
      if (this.blocked) return;
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const resolve of waiters) resolve();
    });
    res.on('close', () => this.markClosed());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Bytes waiting for this client: held here plus buffered in its socket. */
  get backlogBytes(): number {
    return this.pendingBytes + this.res.writableLength;
  }

  /** Writes one frame (shared between clients: never modified), or cuts a client too far behind. */
  send(frame: Buffer): void {
    this.busy = true;
    this.write(frame);
  }

  /**
   * Writes a heartbeat unless an event went out since the previous tick: a stream that carries
   * events is alive already, and skipping those writes spares a burst of thousands at each tick.
   */
  heartbeat(frame: Buffer): void {
    if (this.busy) this.busy = false;
    else this.write(frame);
  }

  private write(frame: Buffer): void {
    if (this.closed) return;
    if (!this.blocked) {
      // No cork of ours: Node's response corks its socket at a turn's first write and uncorks it
      // on the next tick, so a burst published in one turn already leaves as one writev.
      if (!this.res.write(frame)) this.blocked = true;
      return;
    }
    if (this.pendingBytes + frame.length + this.res.writableLength > this.maxBacklogBytes) {
      this.close(true);
      return;
    }
    this.pending.push(frame);
    this.pendingBytes += frame.length;
  }

  /** Hands waiting frames to the socket until it pushes back again. */
  private flushPending(): void {
    let sent = 0;
    while (sent < this.pending.length && !this.blocked && !this.closed) {
      const frame = this.pending[sent++];
      this.pendingBytes -= frame.length;
      if (!this.res.write(frame)) this.blocked = true;
    }
    this.pending = sent === this.pending.length ? [] : this.pending.slice(sent);
  }

  /** Resolves when the socket takes writes again (at once if it does now), or the client is gone. */
  writable(): Promise<void> {
    if (!this.blocked || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Cut by the server (`close(true)`): its client fell behind and resumes with Last-Event-ID. */
  get wasCut(): boolean {
    return this.cut;
  }

  /** Ends the stream; `abort` destroys the socket instead of finishing the response. */
  close(abort = false): void {
    if (this.closed) return;
    this.cut = abort;
    this.markClosed();
    if (abort) this.res.destroy();
    else this.res.end();
  }

  private markClosed(): void {
    this.closed = true;
    this.pending = [];
    this.pendingBytes = 0;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
