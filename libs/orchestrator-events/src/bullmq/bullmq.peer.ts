import type * as BullMQ from 'bullmq';
import type Redis from 'ioredis';
import { requirePeer } from '../lib/shared/optional-peer';

const FEATURE = 'The BullMQ capture (OrchestratorEventsBullMQModule)';

/** `bullmq`, loaded when the capture starts: apps without the companion module never load it. */
export function loadBullMQ(): typeof BullMQ {
  return requirePeer(
    'bullmq',
    FEATURE,
    // A literal require: bundlers see the name; it runs only when the integration is configured.
    () => require('bullmq') as typeof BullMQ,
  );
}

/**
 * The Redis client the capture shares with its BullMQ `Queue` (QueueEvents duplicates it for its
 * blocking read), and whether the capture made it (and so closes it). `maxRetriesPerRequest: null`
 * is what BullMQ requires of its connections: commands wait for a reconnection instead of failing.
 */
export function captureConnection(connection: string | object): { client: Redis; owned: boolean } {
  if (typeof (connection as { duplicate?: unknown }).duplicate === 'function') {
    return { client: connection as Redis, owned: false };
  }
  const RedisClient = requirePeer(
    'ioredis',
    FEATURE,
    // A literal require: bundlers see the name; it runs only when the integration is configured.
    () => require('ioredis') as typeof Redis,
  );
  const options = { maxRetriesPerRequest: null, connectionName: 'orchestrator-events:bullmq' };
  const client =
    typeof connection === 'string'
      ? new RedisClient(connection, options)
      : new RedisClient({ ...(connection as object), ...options });
  return { client, owned: true };
}
