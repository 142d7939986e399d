/** A stream the CLI writes to: process.stdout in real use, a capture in tests. */
export interface OutputStream {
  write(chunk: string): boolean;
  once(event: 'drain' | 'error' | 'close', listener: (...args: unknown[]) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
  isTTY?: boolean;
}

/**
 * Writes lines with back-pressure (a slow `jq` slows the reader instead of filling memory) and
 * treats a closed pipe (`orch-events … | head`) as the end of the output, not as a crash.
 */
export class LineOutput {
  private isClosed = false;

  /** @param onClosed called once when the reader went away, so the command can stop. */
  constructor(
    private readonly stream: OutputStream,
    private readonly onClosed: () => void = () => undefined,
  ) {
    stream.on('error', (error: Error) => {
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
      this.close();
    });
  }

  /** True once the reader closed the pipe. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Writes `text` and a newline; waits while the reader is behind. */
  async line(text: string): Promise<void> {
    if (this.isClosed) return;
    if (this.stream.write(`${text}\n`)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.stream.removeListener('drain', done);
        this.stream.removeListener('close', done);
        resolve();
      };
      this.stream.once('drain', done);
      this.stream.once('close', done);
    });
  }

  private close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.onClosed();
  }
}
