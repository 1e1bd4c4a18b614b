import { SLOW_AFTER_MS } from './webhook-limiter';

/** The attempt log's write, kept free of Nest so its behaviour under races is tested on PostgreSQL directly. */

export interface AttemptRecord {
  deliveryId: string;
  webhookId: string;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  responseExcerpt: string | null;
  error: string | null;
  nextAttemptAt: Date | null;
  /** Stored custom headers the attempt left out (webhook-headers.ts), or null. */
  droppedHeaders: string[] | null;
}

export type DeliveryOutcome = 'SUCCEEDED' | 'FAILED' | 'PENDING';

export type OutcomeOfAttempt = AttemptRecord & { outcome: DeliveryOutcome };

/**
 * Attempts in one statement: each delivery moved on (its attempt_count numbers the attempt, under the row's
 * lock, so concurrent copies of one job never log the same number; its batch job lets go of it: any retry is
 * a job of its own), its attempt row, and each webhook's
 * failure streak (`failing_since`: set by a failure, cleared by a success; any success in the batch counts)
 * and whether its receiver is slow (`receiver_slow_since`: set by an answer that took SLOW_AFTER_MS or more,
 * cleared by a faster one; any slow answer in the batch counts), which tells every worker process to hold the
 * receiver to its cap (webhook-limiter.ts). The webhook row is written only when one of them changes, so
 * concurrent deliveries do not queue on its lock.
 * Attempts of deliveries deleted meanwhile (with their webhook) are skipped rather than failing the batch, and
 * a delivery twice in one batch (a stalled job run again) logs one attempt.
 */
export const ATTEMPTS_SQL = `WITH input AS (
  SELECT DISTINCT ON ("delivery_id") * FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::int[], $5::text[], $6::text[], $7::timestamptz[], $8::text[], $9::text[], $10::text[])
    AS t("delivery_id", "started_at", "duration_ms", "status_code", "response_excerpt", "error", "next_attempt_at", "outcome", "webhook_id", "dropped_headers")
), delivery AS (
  UPDATE "webhook_deliveries" d SET "status" = i."outcome"::"DeliveryStatus", "attempt_count" = d."attempt_count" + 1, "last_attempt_at" = i."started_at",
         "next_attempt_at" = i."next_attempt_at", "delivered_at" = CASE WHEN i."outcome" = 'SUCCEEDED' THEN now() ELSE d."delivered_at" END,
         "dispatch_batch_id" = NULL
  FROM input i WHERE d."id" = i."delivery_id"
  RETURNING d."id", d."attempt_count"
), attempt AS (
  INSERT INTO "webhook_attempts" ("delivery_id", "attempt_number", "started_at", "duration_ms", "status_code", "response_excerpt", "error", "next_attempt_at", "dropped_headers")
  SELECT i."delivery_id", u."attempt_count", i."started_at", i."duration_ms", i."status_code", i."response_excerpt", i."error", i."next_attempt_at",
         string_to_array(i."dropped_headers", ',')
  FROM input i JOIN delivery u ON u."id" = i."delivery_id"
)
UPDATE "webhooks" w SET "failing_since" = CASE WHEN h."succeeded" THEN NULL ELSE coalesce(w."failing_since", now()) END,
       "receiver_slow_since" = CASE WHEN h."slow" THEN coalesce(w."receiver_slow_since", now()) END
FROM (SELECT "webhook_id", bool_or("outcome" = 'SUCCEEDED') AS "succeeded", bool_or("duration_ms" >= ${SLOW_AFTER_MS}) AS "slow"
      FROM input GROUP BY "webhook_id") h
WHERE w."id" = h."webhook_id" AND ((w."failing_since" IS NULL) = (NOT h."succeeded") OR (w."receiver_slow_since" IS NULL) = h."slow")`;

/** ATTEMPTS_SQL's parameters: one array per column. */
export function attemptsParams(attempts: OutcomeOfAttempt[]): unknown[] {
  return [
    attempts.map((a) => a.deliveryId),
    attempts.map((a) => a.startedAt),
    attempts.map((a) => a.durationMs),
    attempts.map((a) => a.statusCode),
    attempts.map((a) => a.responseExcerpt),
    attempts.map((a) => a.error),
    attempts.map((a) => a.nextAttemptAt),
    attempts.map((a) => a.outcome),
    attempts.map((a) => a.webhookId),
    // One text per attempt (a text[][] must be rectangular); header names never hold a comma.
    attempts.map((a) => a.droppedHeaders?.join(',') ?? null),
  ];
}
