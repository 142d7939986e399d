import * as path from 'node:path';
import * as winston from 'winston';
import { readEvents, tempDir } from '../../testing/temp-dir';
import { MemoryEventBus } from '../bus/memory-event.bus';
import { EventBatcher } from './event-batcher';
import { EventIdGenerator } from '../event/event-id';
import { BuiltEvent, EventLineBuilder } from '../event/event-line';
import { RotatingFileTransport } from '../file/rotating-file.transport';
import { RotatingFileWriter } from '../file/rotating-file.writer';
import { WriteOutScheduler } from '../file/write-out.scheduler';

/** A real bus that fails on one event: the one fault here that cannot be caused for real. */
class FailingBus extends MemoryEventBus {
  override publish(built: BuiltEvent): void {
    if (built.event.event === 'boom') throw new Error('subscriber store is down');
    super.publish(built);
  }
}

/** The one scheduler the module would pass; each writer here registers its own flushes. */
const scheduler = new WriteOutScheduler();

describe('EventBatcher', () => {
  it('writes the whole turn, publishes after the write, and survives a failing bus', async () => {
    const { dir, cleanup } = tempDir();
    const file = path.join(dir, 'orch.log');
    const writer = new RotatingFileWriter(file, 1024 * 1024, 2, { scheduler });
    const logger = winston.createLogger({
      levels: { ERROR: 0, WARNING: 1, INFO: 2, DEBUG: 3 },
      level: 'DEBUG',
      format: winston.format((info) => info)(),
      transports: [new RotatingFileTransport(writer)],
    });
    const bus = new FailingBus();
    const errors: unknown[] = [];
    const batcher = new EventBatcher(logger, bus, (err) => errors.push(err), scheduler);
    const builder = new EventLineBuilder('o-test', new EventIdGenerator('o-test'), 65536);
    const published: { name: string; onDisk: number }[] = [];
    bus.subscribe({}, (built) =>
      published.push({ name: built.event.event, onDisk: readEvents(file).length }),
    );
    try {
      for (const name of ['a', 'boom', 'c'])
        batcher.add(builder.build({ event: name }, 'INFO', undefined));
      expect(published).toEqual([]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(readEvents(file).map((e) => e['event'])).toEqual(['a', 'boom', 'c']);
      // Published once all three were written; the failure of one did not stop the next.
      expect(published).toEqual([
        { name: 'a', onDisk: 3 },
        { name: 'c', onDisk: 3 },
      ]);
      expect(errors).toHaveLength(1);
      // After close(), each event goes out as it comes: no later turn may run.
      batcher.close();
      batcher.add(builder.build({ event: 'late' }, 'INFO', undefined));
      expect(published.map((p) => p.name)).toEqual(['a', 'c', 'late']);
      expect(readEvents(file)).toHaveLength(4);
    } finally {
      batcher.close();
      writer.close();
      cleanup();
    }
  });
});
