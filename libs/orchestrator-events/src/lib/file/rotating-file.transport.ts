import TransportStream from 'winston-transport';
import { MESSAGE } from 'triple-beam';
import { RotatingFileWriter } from './rotating-file.writer';

/** Where a batch entry carries its lines, one string per event (see `EventBatcher`). */
export const LINES = Symbol.for('orchestrator-events.lines');

/**
 * A winston transport that hands finished lines to a `RotatingFileWriter`: a batch from
 * `EventBatcher` (`info[LINES]`), or one line (`info[MESSAGE]`).
 * It stands in for winston-daily-rotate-file on the event log because that one cannot keep the
 * promises made here: its retention deleted nothing during a tight burst, its `maxFiles` counts the
 * active file, its names carry a date and a counter that resets daily, and its `finish` fires before
 * the bytes are on disk. The writer writes synchronously, so the callback returns at once and
 * winston never buffers behind this transport.
 */
export class RotatingFileTransport extends TransportStream {
  constructor(private readonly writer: RotatingFileWriter) {
    super({});
  }

  override log(info: Record<string | symbol, unknown>, callback: () => void): void {
    const lines = info[LINES] as string[] | undefined;
    if (lines !== undefined) this.writer.write(lines);
    else this.writer.append(info[MESSAGE] as string);
    callback();
  }
}
