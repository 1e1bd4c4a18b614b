import type { OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';

/** Nest token of the store (RedisWebhookLimitStore or PostgresWebhookLimitStore, after the queue's backend). */
export const WEBHOOK_LIMIT_STORE = Symbol('WEBHOOK_LIMIT_STORE');

/** One attempt counted in a webhook's current one-second window (the store's clock). */
export interface RateHit {
  /** Attempts in the window, this one included. */
  count: number;
  msUntilReset: number;
}

/**
 * Where the webhook limits meet across worker processes (Redis when REDIS_URL is set, else PostgreSQL, as
 * the API's rate limit; the PostgreSQL one is webhook-limit.repository.ts). Leases count the attempts in flight to a webhook and expire after `ttlMs`, so the
 * slots of a worker that died free themselves.
 */
export interface WebhookLimitStore {
  /**
   * Registers the leases in `adopt` (attempts already in flight, held whatever the count), then takes
   * `leaseId` if fewer than `max` unexpired leases are held: true when it did.
   */
  acquire(webhookId: string, leaseId: string, max: number, adopt: readonly string[], ttlMs: number): Promise<boolean>;
  release(webhookId: string, leaseIds: readonly string[]): Promise<void>;
  hit(webhookId: string): Promise<RateHit>;
}

/** Redis's clock in ms, inside a script (TIME is allowed: Redis 7 replicates scripts' effects). */
const NOW_MS = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS[1]: the webhook's lease set (lease id → expiry); ARGV: lease id, max, ttl ms, leases to adopt... */
const ACQUIRE_SCRIPT = `${NOW_MS}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local expires = now + tonumber(ARGV[3])
for i = 4, #ARGV do redis.call('ZADD', KEYS[1], expires, ARGV[i]) end
local granted = 0
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], expires, ARGV[1])
  granted = 1
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return granted`;

/** KEYS[1]: the webhook's window, a hash of its second (w) and count (n). Returns {count, ms until the next second}. */
const HIT_SCRIPT = `${NOW_MS}
local second = math.floor(now / 1000)
local count = 1
if tonumber(redis.call('HGET', KEYS[1], 'w')) == second then
  count = redis.call('HINCRBY', KEYS[1], 'n', 1)
else
  redis.call('HSET', KEYS[1], 'w', second, 'n', 1)
end
redis.call('PEXPIRE', KEYS[1], 2000)
return {count, 1000 - now % 1000}`;

type ScriptedRedis = Redis & {
  latchkeyWebhookAcquire(key: string, ...args: (string | number)[]): Promise<number>;
  latchkeyWebhookHit(key: string): Promise<[number, number]>;
};

export class RedisWebhookLimitStore implements WebhookLimitStore, OnModuleDestroy {
  private redis?: ScriptedRedis;

  constructor(private readonly url: string) {}

  async acquire(
    webhookId: string,
    leaseId: string,
    max: number,
    adopt: readonly string[],
    ttlMs: number,
  ): Promise<boolean> {
    return (
      (await this.client().latchkeyWebhookAcquire(
        `latchkey:webhook-leases:${webhookId}`,
        leaseId,
        max,
        ttlMs,
        ...adopt,
      )) === 1
    );
  }

  async release(webhookId: string, leaseIds: readonly string[]): Promise<void> {
    if (leaseIds.length > 0) await this.client().zrem(`latchkey:webhook-leases:${webhookId}`, ...leaseIds);
  }

  async hit(webhookId: string): Promise<RateHit> {
    const [count, msUntilReset] = await this.client().latchkeyWebhookHit(`latchkey:webhook-rate:${webhookId}`);
    return { count, msUntilReset };
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }

  /** Connected on first use: a webhook that never reaches a limit costs no connection and no round trip. */
  private client(): ScriptedRedis {
    if (!this.redis) {
      // Fail fast when Redis is away: the limiter then lets the attempt through rather than hanging it.
      const redis = new Redis(this.url, { maxRetriesPerRequest: 1 });
      redis.defineCommand('latchkeyWebhookAcquire', { numberOfKeys: 1, lua: ACQUIRE_SCRIPT });
      redis.defineCommand('latchkeyWebhookHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
      this.redis = redis as ScriptedRedis;
    }
    return this.redis;
  }
}
