import type { OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { PrismaService } from '../database/prisma.service';
import { RATE_LIMIT_WINDOW_MS, windowAt, type WindowHit } from './rate-limit-window';

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

/** One row per key holding its current window; the upsert restarts the count when a newer window begins. */
export class PostgresRateLimitStore implements RateLimitStore {
  constructor(private readonly prisma: PrismaService) {}

  async hit(apiKeyId: string, nowMs: number): Promise<WindowHit> {
    const window = windowAt(nowMs);
    // GREATEST: a process whose clock lags a little behind counts into the newer window, never back into the old one.
    const rows = await this.prisma.sql<{ request_count: number; window_start: Date }>(
      `INSERT INTO "api_rate_limits" AS r ("api_key_id", "window_start", "request_count") VALUES ($1, $2, 1)
       ON CONFLICT ("api_key_id") DO UPDATE SET
         "request_count" = CASE WHEN excluded."window_start" > r."window_start" THEN 1 ELSE r."request_count" + 1 END,
         "window_start" = GREATEST(r."window_start", excluded."window_start")
       RETURNING "request_count", "window_start"`,
      [apiKeyId, new Date(window.startMs)],
      'rate_limit_hit',
    );
    const row = rows[0];
    return { count: row.request_count, msUntilReset: row.window_start.getTime() + RATE_LIMIT_WINDOW_MS - nowMs };
  }
}
