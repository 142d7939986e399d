import type Redis from 'ioredis';
import { requirePeer } from '../lib/shared/optional-peer';
import { REDIS_MESSAGES as M } from './redis.messages';

/** Longest wait between two reconnection attempts. */
const MAX_RETRY_MS = 2000;

/**
 * One ioredis connection as the bus needs it: it connects only when asked (the app starts while
 * Redis is down), never queues commands while disconnected (a command fails at once, so `log()`
 * never waits on Redis), does not silently resend commands cut by a disconnection (the bus decides
 * what to resend), and retries for ever with a short backoff.
 */
export function createRedisConnection(url: string, name: string): Redis {
  const RedisClient = loadIoredis();
  const redis = new RedisClient(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    // RESP2 keeps the reply shapes of XREAD/XRANGE plain arrays across ioredis versions.
    protocol: 2,
    connectionName: name,
    retryStrategy: (times) => Math.min(100 * times, MAX_RETRY_MS),
  });
  // Without a listener an 'error' event would crash the process; the bus reports state instead.
  redis.on('error', () => undefined);
  return redis;
}

/**
 * ioredis, loaded only once a Redis connection is made: apps without `OrchestratorEventsRedisModule`
 * need not install it.
 * Its CommonJS export is the client class itself (also as `.default`).
 */
function loadIoredis(): typeof Redis {
  return requirePeer('ioredis', M.peerFeature(), () => require('ioredis') as typeof Redis);
}

/** The URL without its password, for log messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable url>';
  }
}
