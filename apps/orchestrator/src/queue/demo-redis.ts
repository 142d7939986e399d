import { Module } from '@nestjs/common';
import { connect } from 'node:net';

/** Injection token of the demo queue's Redis: `{ url }` when it answered at startup, else `{}`. */
export const DEMO_REDIS = Symbol('DEMO_REDIS');

/** Where the demo queue's Redis is, whether it answered at startup, and the queue's name. */
export interface DemoRedis {
  /** `REDIS_URL`, else `redis://127.0.0.1:6379`. */
  url: string;
  /** Whether something accepted a connection there within the probe's wait. */
  up: boolean;
  /** `DEMO_QUEUE`, else `orchestrator-demo`. */
  queue: string;
}

/** The queue the demo records and works on unless `DEMO_QUEUE` names another. */
export const DEFAULT_DEMO_QUEUE = 'orchestrator-demo';

/**
 * Reads `DEMO_QUEUE`: apps sharing one Redis (tests running side by side, several demos) each take
 * the jobs of their own queue. A bad name is a startup error naming the variable.
 */
export function demoQueueName(env: Record<string, string | undefined> = process.env): string {
  const name = env['DEMO_QUEUE'] || DEFAULT_DEMO_QUEUE;
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) {
    throw new Error(
      `Invalid DEMO_QUEUE=${JSON.stringify(name)}: expected 1-64 characters of A-Z a-z 0-9 _ . -`,
    );
  }
  return name;
}

/** Whether a TCP connection to the URL's host and port opens within `ms`. */
export function probeRedis(url: string, ms = 500): Promise<boolean> {
  let host = '127.0.0.1';
  let port = 6379;
  try {
    const parsed = new URL(url);
    host = parsed.hostname.replace(/^\[|\]$/g, '') || host;
    port = Number(parsed.port) || port;
  } catch {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(ms, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Probes the demo queue's Redis once, at startup: the BullMQ demo (queue capture and worker) runs
 * only when it answers, so the demo still starts anywhere without Redis.
 */
@Module({
  providers: [
    {
      provide: DEMO_REDIS,
      useFactory: async (): Promise<DemoRedis> => {
        const url = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
        const queue = demoQueueName();
        return { url, up: await probeRedis(url), queue };
      },
    },
  ],
  exports: [DEMO_REDIS],
})
export class DemoRedisModule {}
