import { Injectable } from '@nestjs/common';
import { TEST_TRIGGER } from '../../emit/event-triggers';
import { MicroBatcher } from '../../platform/common/micro-batch';
import { PrismaService, type SqlTx } from '../../platform/database/prisma.service';
import {
  ATTEMPTS_SQL,
  attemptsParams,
  type AttemptRecord,
  type DeliveryOutcome,
  type OutcomeOfAttempt,
} from './attempt-log-sql';
import { TRIGGER_MATCHES_EVENT, WEBHOOK_HEARS_EVENT } from './webhook-matching';

/** A delivery to (re-)enqueue: its id is the `webhook-id` its receiver sees. */
export interface DeliveryRef {
  id: string;
  webhook_id: string;
  /** The batch job that owns its first attempt (its job id), or null: a job of its own, whose id is the delivery's. */
  dispatch_batch_id: string | null;
}

export interface DispatchTarget {
  delivery_id: string;
  status: string;
  attempt_count: number;
  webhook_id: string;
  url: string;
  headers: { header: string; value: string }[];
  secret_encrypted: string;
  previous_secret_encrypted: string | null;
  previous_secret_expires_at: Date | null;
  failing_since: Date | null;
  /** A process saw the receiver answer slowly and no fast answer came since (the attempt log keeps it). */
  receiver_slow: boolean;
  active: boolean;
  /** The event's payload as its stored JSON text (sent as it is, not parsed and serialised again). */
  payload: string;
  /** An earlier event of the same record (or, for a sync-level event, of the same integration) must go first. */
  waits_for_earlier: boolean;
  /** When the earliest of those pending deliveries is next tried (null when none is scheduled). */
  earlier_due_at: Date | null;
  /** When the delivery was created (its event fanned out): the start of its delivery latency. */
  created_at: Date;
  /** The batch job that owns its first attempt, null once that attempt is made (see DeliveryRef). */
  dispatch_batch_id: string | null;
}

/**
 * Whether an earlier event must reach this webhook first: an earlier pending delivery of the same record, or,
 * for a sync-level event (SYNC_COMPLETE, JOB_FAILURE…), of the same integration. Deliveries carry their
 * event's sequence, record and integration, so each test is one probe of a (webhook, status, key, sequence)
 * index. Earlier events not fanned out yet cannot exist: the relay fans out in sequence order.
 */
const WAITS_FOR_EARLIER = `(
  EXISTS (SELECT 1 FROM "webhook_deliveries" p WHERE p."webhook_id" = d."webhook_id" AND p."status" = 'PENDING'
          AND p."record_id" = d."record_id" AND p."event_sequence" < d."event_sequence")
  OR (d."record_id" IS NULL AND d."integration_id" IS NOT NULL
      AND EXISTS (SELECT 1 FROM "webhook_deliveries" p WHERE p."webhook_id" = d."webhook_id" AND p."status" = 'PENDING'
                  AND p."integration_id" = d."integration_id" AND p."event_sequence" < d."event_sequence"))
)`;

/** When the earliest pending delivery this one waits for is next tried (OFFSET 0 keeps the planner on the ordering indexes). */
const EARLIER_DUE_AT = `(SELECT min(q."next_attempt_at") FROM (
  SELECT p."next_attempt_at" FROM "webhook_deliveries" p WHERE p."webhook_id" = d."webhook_id" AND p."status" = 'PENDING'
    AND p."record_id" = d."record_id" AND p."event_sequence" < d."event_sequence"
  UNION ALL
  SELECT p."next_attempt_at" FROM "webhook_deliveries" p WHERE d."record_id" IS NULL AND p."webhook_id" = d."webhook_id" AND p."status" = 'PENDING'
    AND p."integration_id" = d."integration_id" AND p."event_sequence" < d."event_sequence"
  OFFSET 0) q)`;

const BATCH_MAX = 200;

/** Data access of the dispatcher's hot path: plain SQL on the shared pool, concurrent calls batched into one statement. */
@Injectable()
export class DeliveryRepository {
  /**
   * One statement of each kind in flight: jobs that finish or start meanwhile go together in the next one, so
   * PostgreSQL and this thread pay a statement's fixed cost (round trip, wake-up, commit) once per batch.
   */
  private readonly targets = new MicroBatcher((ids: string[]) => this.loadTargets(ids), BATCH_MAX, 1);
  private readonly attemptWrites = new MicroBatcher(
    (attempts: OutcomeOfAttempt[]) => this.writeAttempts(attempts),
    BATCH_MAX,
    1,
  );

  constructor(private readonly prisma: PrismaService) {}

  /**
   * Creates one delivery per (event, matching webhook) in one statement (see webhook-matching.ts), a webhook's
   * deliveries in batches of `batchSize` in event order, each batch owned by one queue job whose id is its first
   * delivery's. Idempotent: (webhook, event) is unique.
   */
  async fanOut(tx: SqlTx, eventIds: string[], batchSize: number): Promise<DeliveryRef[]> {
    const { rows } = await tx.query<DeliveryRef>(
      `WITH matched AS (
         SELECT DISTINCT ON (w."id", e."id") gen_random_uuid()::text AS "id", e."organization_id", w."id" AS "webhook_id",
                e."id" AS "event_id", e."sequence", e."record_id", e."integration_id"
         FROM "events" e
         JOIN "webhooks" w ON ${WEBHOOK_HEARS_EVENT}
         JOIN "webhook_triggers" t ON ${TRIGGER_MATCHES_EVENT}
         -- TEST events are written with their one delivery (POST /v1/webhooks/{id}/test), never fanned out.
         WHERE e."id" = ANY($1::text[]) AND e."trigger" <> '${TEST_TRIGGER}'
       ), numbered AS (
         SELECT m.*, (row_number() OVER (PARTITION BY m."webhook_id" ORDER BY m."sequence") - 1) / $2::int AS "batch"
         FROM matched m
       )
       INSERT INTO "webhook_deliveries" ("id", "organization_id", "webhook_id", "event_id", "event_sequence", "record_id", "integration_id", "status", "next_attempt_at", "dispatch_batch_id")
       SELECT n."id", n."organization_id", n."webhook_id", n."event_id", n."sequence", n."record_id", n."integration_id", 'PENDING', now(),
              first_value(n."id") OVER (PARTITION BY n."webhook_id", n."batch" ORDER BY n."sequence")
       FROM numbered n ORDER BY n."webhook_id", n."sequence"
       ON CONFLICT ("webhook_id", "event_id") DO NOTHING
       RETURNING "id", "webhook_id", "dispatch_batch_id"`,
      [eventIds, batchSize],
    );
    return rows;
  }

  /** Everything one attempt needs, and whether it must wait for an earlier delivery (batched with concurrent calls). */
  loadTarget(deliveryId: string): Promise<DispatchTarget | null> {
    return this.targets.call(deliveryId);
  }

  /**
   * Records an attempt and moves the delivery on; batched with concurrent calls into one statement (see
   * ATTEMPTS_SQL), so each is atomic and a busy dispatcher writes many attempts per round trip.
   */
  async recordAttempt(attempt: AttemptRecord, outcome: DeliveryOutcome): Promise<void> {
    await this.attemptWrites.call({ ...attempt, outcome });
  }

  private async loadTargets(deliveryIds: string[]): Promise<(DispatchTarget | null)[]> {
    const rows = await this.prisma.sql<DispatchTarget>(
      `SELECT d."id" AS delivery_id, d."status", d."attempt_count", w."id" AS webhook_id, w."url", w."headers",
              w."secret_encrypted", w."previous_secret_encrypted", w."previous_secret_expires_at", w."failing_since",
              w."receiver_slow_since" IS NOT NULL AS receiver_slow, w."active", e."payload"::text AS payload,
              o."waits_for_earlier", d."created_at", d."dispatch_batch_id",
              CASE WHEN o."waits_for_earlier" THEN ${EARLIER_DUE_AT} END AS earlier_due_at
       FROM "webhook_deliveries" d JOIN "webhooks" w ON w."id" = d."webhook_id" JOIN "events" e ON e."id" = d."event_id"
       -- OFFSET 0: evaluated once per row, not again inside the CASE below.
       CROSS JOIN LATERAL (SELECT d."status" = 'PENDING' AND ${WAITS_FOR_EARLIER} AS "waits_for_earlier" OFFSET 0) o
       WHERE d."id" = ANY($1::text[])`,
      [deliveryIds],
      'latchkey_delivery_targets',
    );
    const byId = new Map(rows.map((r) => [r.delivery_id, r]));
    return deliveryIds.map((id) => byId.get(id) ?? null);
  }

  private async writeAttempts(attempts: OutcomeOfAttempt[]): Promise<void[]> {
    await this.prisma.sql(ATTEMPTS_SQL, attemptsParams(attempts), 'latchkey_record_attempts');
    return attempts.map(() => undefined);
  }

  /**
   * Turns a webhook off for a reason of the system's (410 Gone, failing too long), in the caller's
   * transaction: its organization when this call flipped `active`, null when it was off already.
   */
  async deactivate(tx: SqlTx, webhookId: string, reason: string): Promise<string | null> {
    const { rows } = await tx.query<{ organization_id: string }>(
      `UPDATE "webhooks" SET "active" = false, "deactivated_reason" = $2, "updated_at" = now() WHERE "id" = $1 AND "active" RETURNING "organization_id"`,
      [webhookId, reason],
    );
    return rows[0]?.organization_id ?? null;
  }

  async markFailed(deliveryId: string): Promise<void> {
    await this.prisma.sql(
      `UPDATE "webhook_deliveries" SET "status" = 'FAILED', "next_attempt_at" = NULL WHERE "id" = $1`,
      [deliveryId],
    );
  }

  /**
   * Pending deliveries whose next attempt is long overdue: their job may be lost (a crash between the
   * relay's commit and its enqueue, a Redis that lost data). Re-enqueueing is harmless: each is queued under
   * the id of the job that owns it (its batch's, or its own), so one whose job still waits is not queued twice.
   */
  async overdue(olderThanMs: number, limit: number): Promise<DeliveryRef[]> {
    return this.prisma.sql<DeliveryRef>(
      `SELECT "id", "webhook_id", "dispatch_batch_id" FROM "webhook_deliveries" WHERE "status" = 'PENDING' AND "next_attempt_at" < now() - ($1::int * interval '1 millisecond')
       ORDER BY "next_attempt_at" LIMIT $2`,
      [olderThanMs, limit],
    );
  }
}
