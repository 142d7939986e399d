import { TestingModule } from '@nestjs/testing';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { createLogger } from '../testing/logger-module';
import { redisAvailable, until } from '../testing/require-redis';
import { tempDir } from '../testing/temp-dir';
import { EventBus } from '../lib/bus/event-bus';
import { EventHistory, HistoryBatch } from '../lib/history/event-history.service';
import { EventLogger } from '../lib/write/event-logger.service';
import { OrchestratorEventsRedisModule } from './orchestrator-events-redis.module';

/**
 * Issue 21 item 8: the `reset` of a resume across instances. Instance B's files begin after an
 * event of instance C that the shared stream still holds; a resume on B from an id neither has
 * must name, as the oldest event kept, nothing newer than the first event it then sends.
 * Real files, real Redis on 6379 (skipped with a message without one, as the bus tests).
 */
const REDIS_URL = 'redis://127.0.0.1:6379';
const redisUp = redisAvailable('EventHistory across instances');

async function collect(batches: AsyncGenerator<HistoryBatch>) {
  const resets: (string | undefined)[] = [];
  const ids: string[] = [];
  for await (const batch of batches) {
    if (batch.reset !== undefined) resets.push(batch.reset);
    ids.push(...batch.events.map((e) => e.id));
  }
  return { resets, ids };
}

(redisUp ? describe : describe.skip)('EventHistory.after() across instances (Redis)', () => {
  const dirs = [tempDir('orch-adv-c-'), tempDir('orch-adv-b-')];
  const stream = `orch:test:${randomBytes(6).toString('hex')}`;
  const modules: TestingModule[] = [];
  let c: EventLogger;
  let b: EventLogger;
  let history: EventHistory;
  let older: string;
  let newer: string;

  const start = async (orchId: string, dir: string) => {
    const { module, logger } = await createLogger({ orchId, logFile: path.join(dir, 'orch.log') }, [
      OrchestratorEventsRedisModule.forRoot({ url: REDIS_URL, stream, env: {} }),
    ]);
    modules.push(module);
    const bus = module.get<EventBus>(EventBus);
    await until(() => (bus.state() as { connected?: boolean }).connected, 15_000, 'connected');
    return { module, logger, bus };
  };

  beforeAll(async () => {
    const first = await start('adv-c', dirs[0].dir);
    c = first.logger;
    older = c.info('adv_step', { task_id: 'adv-c-task' }) as string;
    await c.flush();
    // B's files begin later than C's event (ids order by millisecond first).
    await new Promise((r) => setTimeout(r, 5));
    const second = await start('adv-b', dirs[1].dir);
    b = second.logger;
    history = second.module.get(EventHistory);
    newer = b.info('adv_step', { task_id: 'adv-b-task' }) as string;
    await b.flush();
    const buses = [first.bus, second.bus];
    await until(() => buses.every((bus) => (bus.state() as { buffered: number }).buffered === 0));
    expect(older < newer).toBe(true);
  });
  afterAll(async () => {
    for (const module of modules) await module.close();
    const admin = new Redis(REDIS_URL, { protocol: 2 });
    await admin.del(stream);
    await admin.quit();
    for (const dir of dirs) dir.cleanup();
  });

  it('names in `reset` the oldest event kept by any source: the first one it sends', async () => {
    const lost = '0000000000001-000000-adv-x';
    const { resets, ids } = await collect(history.after(lost));
    expect(ids).toEqual([older, newer]);
    expect(resets).toEqual([older]);
    expect(await history.oldestEventId()).toBe(older);
  });

  it('with a filter, names the oldest kept, never newer than the first event sent', async () => {
    const lost = '0000000000001-000000-adv-x';
    const { resets, ids } = await collect(history.after(lost, { task_id: 'adv-b-task' }));
    expect(ids).toEqual([newer]);
    expect(resets).toEqual([older]);
  });

  it('sends no reset, and nothing at or before the id, for an id the stream still covers', async () => {
    // Between C's event and B's: unknown to both, but not older than everything kept.
    const between = `${older.slice(0, 20)}-adv-x`;
    expect(older < between && between < newer).toBe(true);
    const { resets, ids } = await collect(history.after(between));
    expect(resets).toEqual([]);
    expect(ids).toEqual([newer]);
  });
});
