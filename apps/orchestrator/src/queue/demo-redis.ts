import { Module } from '@nestjs/common';
import { connect } from 'node:net';

/** Injection token of the demo queue's Redis: `{ url }` when it answered at startup, else `{}`. */
export const DEMO_REDIS = Symbol('DEMO_REDIS');

/** Where the demo queue's Redis is, and whether it answered at startup. */
export interface DemoRedis {
  /** `REDIS_URL`, else `redis://127.0.0.1:6379`. */
  url: string;
  /** Whether something accepted a connection there within the probe's wait. */
  up: boolean;
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
        return { url, up: await probeRedis(url) };
      },
    },
  ],
  exports: [DEMO_REDIS],
})
export class DemoRedisModule {}
