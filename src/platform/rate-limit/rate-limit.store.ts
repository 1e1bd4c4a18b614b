import type { OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RATE_LIMIT_WINDOW_MS, windowAt, type WindowHit } from './rate-limit-window';
import type { RateLimitRepository } from './rate-limit.repository';

/** Counts one request of an API key in the current window, atomically across every api process. */
export interface RateLimitStore {
  hit(apiKeyId: string, nowMs: number): Promise<WindowHit>;
}

/** One counter per key and window; the first hit sets it to expire just after its window. One EVALSHA per request. */
const INCREMENT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

type ScriptedRedis = Redis & { latchkeyRateLimitIncrement(key: string, ttlMs: number): Promise<number> };

export class RedisRateLimitStore implements RateLimitStore, OnModuleDestroy {
  private redis?: ScriptedRedis;

  constructor(private readonly url: string) {}

  async hit(apiKeyId: string, nowMs: number): Promise<WindowHit> {
    const window = windowAt(nowMs);
    const count = await this.client().latchkeyRateLimitIncrement(
      `latchkey:rate-limit:${apiKeyId}:${window.startMs}`,
      window.msUntilReset + 1000,
    );
    return { count, msUntilReset: window.msUntilReset };
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }

  private client() {
    if (!this.redis) {
      // Fail fast when Redis is away: the guard then lets the request through rather than hanging it.
      const redis = new Redis(this.url, { maxRetriesPerRequest: 1 });
      redis.defineCommand('latchkeyRateLimitIncrement', { numberOfKeys: 1, lua: INCREMENT_SCRIPT });
      this.redis = redis as ScriptedRedis;
    }
    return this.redis;
  }
}

/** One row per key holding its current window, in PostgreSQL (RateLimitRepository). */
export class PostgresRateLimitStore implements RateLimitStore {
  constructor(private readonly counters: RateLimitRepository) {}

  async hit(apiKeyId: string, nowMs: number): Promise<WindowHit> {
    const row = await this.counters.countHit(apiKeyId, new Date(windowAt(nowMs).startMs));
    return { count: row.request_count, msUntilReset: row.window_start.getTime() + RATE_LIMIT_WINDOW_MS - nowMs };
  }
}
