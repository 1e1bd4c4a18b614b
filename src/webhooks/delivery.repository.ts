import { Injectable } from '@nestjs/common';
import { newId } from '../common/ids';
import { PrismaService, type SqlTx } from '../database/prisma.service';
import { OutboxRepository, type NewEvent } from '../events/outbox.repository';

/** A delivery to (re-)enqueue: its id is the job id and the `webhook-id` its receiver sees. */
export interface DeliveryRef {
  id: string;
  webhook_id: string;
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
  active: boolean;
  organization_id: string;
  payload: unknown;
  /** An earlier event of the same record (or, for a sync-level event, of the same integration) must go first. */
  waits_for_earlier: boolean;
  /** When the earliest of those pending deliveries is next tried (null when none is scheduled). */
  earlier_due_at: Date | null;
}

export interface AttemptRecord {
  deliveryId: string;
  webhookId: string;
  attemptNumber: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  responseExcerpt: string | null;
  error: string | null;
  nextAttemptAt: Date | null;
}

export type DeliveryOutcome = 'SUCCEEDED' | 'FAILED' | 'PENDING';

/**
 * Whether an earlier event must reach this webhook first. Deliveries carry their event's sequence, record
 * and integration, so each test is one probe of a (webhook, status, key, sequence) index. An earlier event
 * not yet fanned out (another relay holds it) may still add a delivery ahead of this one, so it blocks too.
 */
const WAITS_FOR_EARLIER = `(
  EXISTS (SELECT 1 FROM "webhook_deliveries" p WHERE p."webhook_id" = d."webhook_id" AND p."status" = 'PENDING'
          AND p."record_id" = d."record_id" AND p."event_sequence" < d."event_sequence")
  OR EXISTS (SELECT 1 FROM "events" u WHERE u."relayed_at" IS NULL AND u."record_id" = d."record_id" AND u."sequence" < d."event_sequence")
  OR (d."record_id" IS NULL AND d."integration_id" IS NOT NULL AND (
    EXISTS (SELECT 1 FROM "webhook_deliveries" p WHERE p."webhook_id" = d."webhook_id" AND p."status" = 'PENDING'
            AND p."integration_id" = d."integration_id" AND p."event_sequence" < d."event_sequence")
    OR EXISTS (SELECT 1 FROM "events" u WHERE u."relayed_at" IS NULL AND u."integration_id" = d."integration_id" AND u."sequence" < d."event_sequence")))
)`;

/** When the earliest pending delivery this one waits for is next tried. */
const EARLIER_DUE_AT = `LEAST(
  (SELECT min(p."next_attempt_at") FROM "webhook_deliveries" p WHERE p."webhook_id" = d."webhook_id" AND p."status" = 'PENDING'
     AND p."record_id" = d."record_id" AND p."event_sequence" < d."event_sequence"),
  (SELECT min(p."next_attempt_at") FROM "webhook_deliveries" p WHERE d."record_id" IS NULL AND p."webhook_id" = d."webhook_id" AND p."status" = 'PENDING'
     AND p."integration_id" = d."integration_id" AND p."event_sequence" < d."event_sequence")
)`;

/** Data access of the dispatcher's hot path: plain SQL on the shared pool, two statements per attempt. */
@Injectable()
export class DeliveryRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly outbox: OutboxRepository,
  ) {}

  /**
   * Creates one delivery per (event, matching active webhook) in one statement. A webhook matches when it
   * is its organization's, for all integrations or this one, and has the trigger (with, for data triggers,
   * no model or this model). Idempotent: (webhook, event) is unique.
   */
  async fanOut(tx: SqlTx, eventIds: string[]): Promise<DeliveryRef[]> {
    const { rows } = await tx.query<DeliveryRef>(
      `INSERT INTO "webhook_deliveries" ("id", "organization_id", "webhook_id", "event_id", "event_sequence", "record_id", "integration_id", "status", "next_attempt_at")
       SELECT DISTINCT ON (w."id", e."id") gen_random_uuid()::text, e."organization_id", w."id", e."id", e."sequence", e."record_id", e."integration_id", 'PENDING', now()
       FROM "events" e
       JOIN "webhooks" w ON w."organization_id" = e."organization_id" AND w."active"
            AND (w."integration_id" IS NULL OR w."integration_id" = e."integration_id")
       JOIN "webhook_triggers" t ON t."webhook_id" = w."id" AND t."trigger" = e."trigger"
            AND (t."model" IS NULL OR e."model" IS NULL OR t."model" = e."model")
       WHERE e."id" = ANY($1::text[])
       ON CONFLICT ("webhook_id", "event_id") DO NOTHING
       RETURNING "id", "webhook_id"`,
      [eventIds],
    );
    return rows;
  }

  /** Everything one attempt needs, and whether it must wait for an earlier delivery, in one statement. */
  async loadTarget(deliveryId: string): Promise<DispatchTarget | null> {
    const rows = await this.prisma.sql<DispatchTarget>(
      `SELECT d."id" AS delivery_id, d."status", d."attempt_count", w."id" AS webhook_id, w."url", w."headers",
              w."secret_encrypted", w."previous_secret_encrypted", w."previous_secret_expires_at", w."failing_since",
              w."active", w."organization_id", e."payload", ${WAITS_FOR_EARLIER} AS waits_for_earlier,
              CASE WHEN d."status" = 'PENDING' THEN ${EARLIER_DUE_AT} END AS earlier_due_at
       FROM "webhook_deliveries" d JOIN "webhooks" w ON w."id" = d."webhook_id" JOIN "events" e ON e."id" = d."event_id"
       WHERE d."id" = $1`,
      [deliveryId],
      'latchkey_delivery_target',
    );
    return rows[0] ?? null;
  }

  /**
   * Records an attempt, moves the delivery on and keeps the webhook's failure streak (`failing_since`: set
   * by the first failure, cleared by a success), atomically in one statement. The webhook row is written
   * only when the streak changes, so concurrent deliveries of one webhook do not queue on its row lock.
   */
  async recordAttempt(attempt: AttemptRecord, outcome: DeliveryOutcome): Promise<void> {
    await this.prisma.sql(
      `WITH attempt AS (
         INSERT INTO "webhook_attempts" ("id", "delivery_id", "attempt_number", "started_at", "duration_ms", "status_code", "response_excerpt", "error", "next_attempt_at")
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ), delivery AS (
         UPDATE "webhook_deliveries" SET "status" = $10::text::"DeliveryStatus", "attempt_count" = $3, "last_attempt_at" = $4, "next_attempt_at" = $9,
                "delivered_at" = CASE WHEN $10::text = 'SUCCEEDED' THEN now() ELSE "delivered_at" END
         WHERE "id" = $2
       )
       UPDATE "webhooks" SET "failing_since" = CASE WHEN $10::text = 'SUCCEEDED' THEN NULL ELSE now() END
       WHERE "id" = $11 AND ("failing_since" IS NULL) = ($10::text <> 'SUCCEEDED')`,
      [
        newId(), attempt.deliveryId, attempt.attemptNumber, attempt.startedAt, attempt.durationMs, attempt.statusCode,
        attempt.responseExcerpt, attempt.error, attempt.nextAttemptAt, outcome, attempt.webhookId,
      ],
      'latchkey_record_attempt',
    );
  }

  /**
   * Turns a webhook off for a reason of the system's (410 Gone, failing too long) and reports it with an
   * operational JOB_FAILURE event, once: only the call that actually flips `active` writes the event.
   */
  async deactivate(webhookId: string, reason: string, event: (organizationId: string) => NewEvent): Promise<boolean> {
    return this.prisma.sqlTransaction(async (tx) => {
      const { rows } = await tx.query<{ organization_id: string }>(
        `UPDATE "webhooks" SET "active" = false, "deactivated_reason" = $2, "updated_at" = now() WHERE "id" = $1 AND "active" RETURNING "organization_id"`,
        [webhookId, reason],
      );
      if (rows.length === 0) return false;
      await this.outbox.append(tx, [event(rows[0]!.organization_id)]);
      return true;
    });
  }

  async markFailed(deliveryId: string): Promise<void> {
    await this.prisma.sql(`UPDATE "webhook_deliveries" SET "status" = 'FAILED', "next_attempt_at" = NULL WHERE "id" = $1`, [deliveryId]);
  }

  /**
   * Pending deliveries whose next attempt is long overdue: their job may be lost (a crash between the
   * relay's commit and its enqueue, a Redis that lost data). Re-enqueueing is harmless: the job id is the
   * delivery id, so a delivery whose job still waits is not queued twice.
   */
  async overdue(olderThanMs: number, limit: number): Promise<DeliveryRef[]> {
    return this.prisma.sql<DeliveryRef>(
      `SELECT "id", "webhook_id" FROM "webhook_deliveries" WHERE "status" = 'PENDING' AND "next_attempt_at" < now() - ($1::int * interval '1 millisecond')
       ORDER BY "next_attempt_at" LIMIT $2`,
      [olderThanMs, limit],
    );
  }
}
