import { ClientRequest, IncomingMessage, request } from 'node:http';

/** One parsed SSE frame, as a browser would see it, plus the raw text. */
export interface Frame {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  raw: string;
}

/**
 * A bare SSE reader over node:http, for what a client library hides: exact frame text, headers,
 * timing of the first frame. Frames are split on blank lines and parsed per the SSE spec.
 */
export class RawSse {
  readonly frames: Frame[] = [];
  response?: IncomingMessage;
  private buffer = '';
  private waiters: (() => void)[] = [];
  private req?: ClientRequest;
  closed = false;

  static open(url: string, headers: Record<string, string> = {}): Promise<RawSse> {
    const sse = new RawSse();
    return new Promise((resolve, reject) => {
      sse.req = request(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
        sse.response = res;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => sse.push(chunk));
        res.on('close', () => {
          sse.closed = true;
          sse.wake();
        });
        resolve(sse);
      });
      sse.req.on('error', (err) => (sse.response ? undefined : reject(err)));
      sse.req.end();
    });
  }

  /** Frames that carry an id (real events). */
  get events(): Frame[] {
    return this.frames.filter((f) => f.id !== undefined);
  }

  /** Waits until `predicate` holds over the frames received so far. */
  async until(predicate: (frames: Frame[]) => boolean, ms = 10_000): Promise<void> {
    const end = Date.now() + ms;
    while (!predicate(this.frames)) {
      if (this.closed) throw new Error(`stream closed; frames: ${JSON.stringify(this.frames)}`);
      const left = end - Date.now();
      if (left <= 0) throw new Error(`timed out; frames: ${JSON.stringify(this.frames.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.req?.destroy();
    this.closed = true;
  }

  private push(chunk: string): void {
    this.buffer += chunk;
    let end = this.buffer.indexOf('\n\n');
    while (end !== -1) {
      const raw = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const frame: Frame = { raw };
      for (const line of raw.split('\n')) {
        const colon = line.indexOf(':');
        if (colon === 0) continue;
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data')
          frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
        else if (field === 'id' || field === 'event' || field === 'retry') frame[field] = value;
      }
      this.frames.push(frame);
      end = this.buffer.indexOf('\n\n');
    }
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
