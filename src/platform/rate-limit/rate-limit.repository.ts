import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

/** Where a key's window stands after a hit. */
export interface WindowCount {
  request_count: number;
  window_start: Date;
}

/** The rate-limit counters in PostgreSQL (no Redis configured): one row per key holding its current window. */
@Injectable()
export class RateLimitRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Counts one hit into the window starting at `windowStart`; the upsert restarts the count when a newer window begins. */
  async countHit(apiKeyId: string, windowStart: Date): Promise<WindowCount> {
    // GREATEST: a process whose clock lags a little behind counts into the newer window, never back into the old one.
    const rows = await this.prisma.sql<WindowCount>(
      `INSERT INTO "api_rate_limits" AS r ("api_key_id", "window_start", "request_count") VALUES ($1, $2, 1)
       ON CONFLICT ("api_key_id") DO UPDATE SET
         "request_count" = CASE WHEN excluded."window_start" > r."window_start" THEN 1 ELSE r."request_count" + 1 END,
         "window_start" = GREATEST(r."window_start", excluded."window_start")
       RETURNING "request_count", "window_start"`,
      [apiKeyId, windowStart],
      'rate_limit_hit',
    );
    return rows[0];
  }
}
