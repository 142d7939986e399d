import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import Redis from 'ioredis';

/** The Redis server of the tests, as BullMQ wants its connection (no retry limit per request). */
export const TEST_REDIS = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };

/** A queue of its own for one test or file, with a producer and a plain Redis client (`admin`). */
export interface TestQueue {
  /** `<prefix>-<8 random hex digits>`. */
  name: string;
  producer: Queue;
  admin: Redis;
  /** Obliterates the queue, deletes every key BullMQ left for it and closes both clients. */
  remove(): Promise<void>;
}

/** A fresh BullMQ queue on the tests' Redis, named `<prefix>-<random>`. */
export function testQueue(prefix: string): TestQueue {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  const producer = new Queue(name, { connection: TEST_REDIS });
  const admin = new Redis(TEST_REDIS);
  return {
    name,
    producer,
    admin,
    async remove() {
      await producer.obliterate({ force: true }).catch(() => undefined);
      await producer.close();
      const keys = await admin.keys(`bull:${name}:*`);
      if (keys.length > 0) await admin.del(...keys);
      admin.disconnect();
    },
  };
}
