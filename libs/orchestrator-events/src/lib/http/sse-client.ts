import { ServerResponse } from 'node:http';

/**
 * One open stream. Writes go straight to the socket; when the socket stops taking them (the client
 * does not read), the frames written meanwhile are counted, and past `maxBacklog` the connection is
 * cut rather than let server memory grow. The client can come back with Last-Event-ID.
 */
export class SseClient {
  private blocked = false;
  private backlog = 0;
  private closed = false;
  /** An event went out since the last heartbeat tick. */
  private busy = false;
  private drainWaiters: (() => void)[] = [];

  constructor(
    private readonly res: ServerResponse,
    private readonly maxBacklog: number,
  ) {
    res.on('drain', () => {
      this.blocked = false;
      this.backlog = 0;
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const resolve of waiters) resolve();
    });
    res.on('close', () => this.markClosed());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Writes one frame, or cuts the connection if the client is too far behind. */
  send(frame: string): void {
    this.busy = true;
    this.write(frame);
  }

  /**
   * Writes a heartbeat unless an event went out since the previous tick: a stream that carries
   * events is alive already, and skipping those writes spares a burst of thousands at each tick.
   */
  heartbeat(frame: string): void {
    if (this.busy) this.busy = false;
    else this.write(frame);
  }

  private write(frame: string): void {
    if (this.closed) return;
    if (this.blocked && ++this.backlog > this.maxBacklog) {
      this.close(true);
      return;
    }
    if (!this.res.write(frame)) this.blocked = true;
  }

  /** Resolves when the socket takes writes again (at once if it does now), or the client is gone. */
  writable(): Promise<void> {
    if (!this.blocked || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Ends the stream; `abort` destroys the socket instead of finishing the response. */
  close(abort = false): void {
    if (this.closed) return;
    this.markClosed();
    if (abort) this.res.destroy();
    else this.res.end();
  }

  private markClosed(): void {
    this.closed = true;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
