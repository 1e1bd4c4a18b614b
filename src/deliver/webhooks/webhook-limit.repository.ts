import type { QueryResultRow } from 'pg';
import type { RateHit, WebhookLimitStore } from './webhook-limit.store';

/**
 * One row per webhook, its leases a JSON object (lease id → expiry, ms of the database's clock). An UPDATE that
 * waited for the row's lock recomputes from its latest version, so concurrent acquisitions from any number of
 * processes never exceed $3: expired leases are dropped, the adopted ones ($5) added, and the new one ($2)
 * only while under $3. No row yet: 0 rows, and the caller creates it.
 */
const PG_ACQUIRE_SQL = `UPDATE "webhook_limits" l SET "leases" = (
  SELECT h.held || CASE WHEN (SELECT count(*) FROM jsonb_object_keys(h.held)) < $3 THEN jsonb_build_object($2::text, h.now_ms + $4::bigint) ELSE '{}'::jsonb END
  FROM (
    SELECT c.now_ms,
           coalesce((SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each(l."leases") e WHERE e.value::bigint > c.now_ms), '{}'::jsonb)
           || coalesce((SELECT jsonb_object_agg(a, c.now_ms + $4::bigint) FROM unnest($5::text[]) a), '{}'::jsonb) AS held
    FROM (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now_ms) c
  ) h)
WHERE l."webhook_id" = $1
RETURNING l."leases" ? $2 AS granted`;

/** Counts into the current second; GREATEST: a statement that waited for the row never moves its window back. */
const PG_HIT_SQL = `INSERT INTO "webhook_limits" AS l ("webhook_id", "window_start", "window_count") VALUES ($1, date_trunc('second', clock_timestamp()), 1)
ON CONFLICT ("webhook_id") DO UPDATE SET
  "window_count" = CASE WHEN l."window_start" IS NULL OR excluded."window_start" > l."window_start" THEN 1 ELSE l."window_count" + 1 END,
  "window_start" = GREATEST(l."window_start", excluded."window_start")
RETURNING l."window_count" AS count, greatest(0, ceil(extract(epoch FROM l."window_start" + interval '1 second' - clock_timestamp()) * 1000))::int AS ms_until_reset`;

/** Plain SQL on a pool (PrismaService's `sql`): the store stays free of Nest, so it is tested on PostgreSQL directly. */
export interface SqlRunner {
  sql<R extends QueryResultRow = any>(text: string, params?: unknown[], preparedAs?: string): Promise<R[]>;
}

/** The webhook limits' store when the queue is in PostgreSQL (no REDIS_URL); free of Nest, as the Redis one. */
export class PostgresWebhookLimitStore implements WebhookLimitStore {
  constructor(private readonly prisma: SqlRunner) {}

  async acquire(
    webhookId: string,
    leaseId: string,
    max: number,
    adopt: readonly string[],
    ttlMs: number,
  ): Promise<boolean> {
    const params = [webhookId, leaseId, max, ttlMs, adopt];
    let rows = await this.prisma.sql<{ granted: boolean }>(PG_ACQUIRE_SQL, params, 'latchkey_webhook_lease');
    if (rows.length === 0) {
      await this.prisma.sql('INSERT INTO "webhook_limits" ("webhook_id") VALUES ($1) ON CONFLICT DO NOTHING', [
        webhookId,
      ]);
      rows = await this.prisma.sql<{ granted: boolean }>(PG_ACQUIRE_SQL, params, 'latchkey_webhook_lease');
    }
    return rows[0]?.granted === true;
  }

  async release(webhookId: string, leaseIds: readonly string[]): Promise<void> {
    if (leaseIds.length === 0) return;
    await this.prisma.sql(
      `UPDATE "webhook_limits" SET "leases" = "leases" - $2::text[] WHERE "webhook_id" = $1`,
      [webhookId, leaseIds],
      'latchkey_webhook_release',
    );
  }

  async hit(webhookId: string): Promise<RateHit> {
    const rows = await this.prisma.sql<{ count: number; ms_until_reset: number }>(
      PG_HIT_SQL,
      [webhookId],
      'latchkey_webhook_rate_hit',
    );
    return { count: rows[0].count, msUntilReset: rows[0].ms_until_reset };
  }
}
