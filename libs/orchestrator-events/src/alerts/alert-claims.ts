import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { createRedisConnection, redactUrl } from '../redis/redis-connection';
import { ALERT_MESSAGES } from './alerts.messages';

/** Where "this alert is being sent" is recorded, so that it is sent once. */
export interface AlertClaims {
  /** True for the first claim of `key` within `ttlMs` (this one sends), false for every later one. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Claims kept at most: the oldest are forgotten first (they are for runs long gone). */
const MAX_MEMORY_CLAIMS = 100_000;

/** Claims in this process's memory: one alert per key while the process lives. */
export class MemoryAlertClaims implements AlertClaims {
  private readonly until = new Map<string, number>();

  async claim(key: string, ttlMs: number): Promise<boolean> {
    return this.claimNow(key, ttlMs);
  }

  claimNow(key: string, ttlMs: number): boolean {
    const now = Date.now();
    const held = this.until.get(key);
    if (held !== undefined && held > now) return false;
    this.until.delete(key);
    this.until.set(key, now + ttlMs);
    if (this.until.size > MAX_MEMORY_CLAIMS) {
      this.until.delete(this.until.keys().next().value as string);
    }
    return true;
  }

  async close(): Promise<void> {
    this.until.clear();
  }
}

/** How long a claim waits for a Redis that is (re)connecting before claiming in memory. */
const READY_WAIT_MS = 5000;

/**
 * Claims in Redis (`SET <prefix><key> 1 NX PX <ttl>`): one alert per key across every instance on
 * that Redis, and across restarts while the key lives. With Redis unreachable, claims fall back to
 * this instance's memory (logged once per outage): an alert may then be sent by two instances,
 * never by none.
 */
export class RedisAlertClaims implements AlertClaims {
  private readonly redis: Redis;
  private readonly memory = new MemoryAlertClaims();
  private readonly logger = new Logger('OrchestratorEventsAlerts');
  private warned = false;

  constructor(
    private readonly url: string,
    private readonly prefix: string,
  ) {
    this.redis = createRedisConnection(url, 'orch-events:alerts');
    this.redis.connect().catch(() => undefined);
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    try {
      await this.ready();
      const reply = await this.redis.set(`${this.prefix}${key}`, '1', 'PX', Math.ceil(ttlMs), 'NX');
      this.warned = false;
      return reply === 'OK';
    } catch {
      if (!this.warned) this.logger.warn(ALERT_MESSAGES.claimStoreDown(redactUrl(this.url)));
      this.warned = true;
      return this.memory.claimNow(key, ttlMs);
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async ready(): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.redis.off('ready', onReady);
        reject(new Error(ALERT_MESSAGES.redisNotReady));
      }, READY_WAIT_MS);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      this.redis.once('ready', onReady);
    });
  }
}
