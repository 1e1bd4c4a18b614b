import { Injectable } from '@nestjs/common';
import { newId } from '../common/ids';
import { PrismaService, sqlOf, type Tx } from '../database/prisma.service';
import { OutboxRepository, type NewEvent } from '../events/outbox.repository';

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
}

export interface AttemptRecord {
  deliveryId: string;
  attemptNumber: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  responseExcerpt: string | null;
  error: string | null;
  nextAttemptAt: Date | null;
}

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
  async fanOut(tx: Tx, eventIds: string[]): Promise<string[]> {
    const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
      `INSERT INTO "webhook_deliveries" ("id", "organization_id", "webhook_id", "event_id", "status", "next_attempt_at")
       SELECT DISTINCT ON (w."id", e."id") gen_random_uuid()::text, e."organization_id", w."id", e."id", 'PENDING', now()
       FROM "events" e
       JOIN "webhooks" w ON w."organization_id" = e."organization_id" AND w."active"
            AND (w."integration_id" IS NULL OR w."integration_id" = e."integration_id")
       JOIN "webhook_triggers" t ON t."webhook_id" = w."id" AND t."trigger" = e."trigger"
            AND (t."model" IS NULL OR e."model" IS NULL OR t."model" = e."model")
       WHERE e."id" = ANY($1::text[])
       ON CONFLICT ("webhook_id", "event_id") DO NOTHING
       RETURNING "id"`,
      eventIds,
    );
    return rows.map((r) => r.id);
  }

  /**
   * Whether an earlier event must reach this webhook first: an earlier event of the same record, or, for
   * an event about a whole sync (SYNC_COMPLETE, JOB_FAILURE…), any earlier event of the same integration.
   */
  async waitsForEarlier(deliveryId: string): Promise<boolean> {
    const rows = await this.prisma.$queryRawUnsafe<{ blocked: boolean }[]>(
      `SELECT EXISTS (
         SELECT 1 FROM "webhook_deliveries" d
         JOIN "events" e ON e."id" = d."event_id"
         JOIN "webhook_deliveries" d2 ON d2."webhook_id" = d."webhook_id" AND d2."status" = 'PENDING' AND d2."id" <> d."id"
         JOIN "events" e2 ON e2."id" = d2."event_id" AND e2."sequence" < e."sequence"
         WHERE d."id" = $1
           AND (e2."record_id" = e."record_id" OR (e."record_id" IS NULL AND e2."integration_id" = e."integration_id"))
       ) OR EXISTS (
         -- An earlier event not yet fanned out (another relay holds it) may yet add a delivery ahead of this one.
         SELECT 1 FROM "webhook_deliveries" d JOIN "events" e ON e."id" = d."event_id"
         JOIN "events" e2 ON e2."relayed_at" IS NULL AND e2."sequence" < e."sequence"
           AND (e2."record_id" = e."record_id" OR (e."record_id" IS NULL AND e2."integration_id" = e."integration_id"))
         WHERE d."id" = $1
       ) AS blocked`,
      deliveryId,
    );
    return rows[0]?.blocked ?? false;
  }

  async loadTarget(deliveryId: string): Promise<DispatchTarget | null> {
    const rows = await this.prisma.$queryRawUnsafe<DispatchTarget[]>(
      `SELECT d."id" AS delivery_id, d."status", d."attempt_count", w."id" AS webhook_id, w."url", w."headers",
              w."secret_encrypted", w."previous_secret_encrypted", w."previous_secret_expires_at", w."failing_since",
              w."active", w."organization_id", e."payload"
       FROM "webhook_deliveries" d JOIN "webhooks" w ON w."id" = d."webhook_id" JOIN "events" e ON e."id" = d."event_id"
       WHERE d."id" = $1`,
      deliveryId,
    );
    return rows[0] ?? null;
  }

  /** Records an attempt and moves the delivery on, in one transaction. */
  async recordAttempt(attempt: AttemptRecord, outcome: 'SUCCEEDED' | 'FAILED' | 'PENDING'): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.webhookAttempt.create({
        data: {
          id: newId(),
          delivery_id: attempt.deliveryId,
          attempt_number: attempt.attemptNumber,
          started_at: attempt.startedAt,
          duration_ms: attempt.durationMs,
          status_code: attempt.statusCode,
          response_excerpt: attempt.responseExcerpt,
          error: attempt.error,
          next_attempt_at: attempt.nextAttemptAt,
        },
      }),
      this.prisma.webhookDelivery.update({
        where: { id: attempt.deliveryId },
        data: {
          status: outcome,
          attempt_count: attempt.attemptNumber,
          last_attempt_at: attempt.startedAt,
          next_attempt_at: attempt.nextAttemptAt,
          delivered_at: outcome === 'SUCCEEDED' ? new Date() : undefined,
        },
      }),
    ]);
  }

  /**
   * Keeps the webhook's failure streak: cleared by a success, started by the first failure. Returns when the
   * streak started (null after a success).
   */
  async trackHealth(webhookId: string, succeeded: boolean): Promise<Date | null> {
    if (succeeded) {
      await this.prisma.webhook.updateMany({ where: { id: webhookId, NOT: { failing_since: null } }, data: { failing_since: null } });
      return null;
    }
    const rows = await this.prisma.$queryRawUnsafe<{ failing_since: Date }[]>(
      `UPDATE "webhooks" SET "failing_since" = coalesce("failing_since", now()) WHERE "id" = $1 RETURNING "failing_since"`, webhookId,
    );
    return rows[0]?.failing_since ?? null;
  }

  /**
   * Turns a webhook off for a reason of the system's (410 Gone, failing too long) and reports it with an
   * operational JOB_FAILURE event, once: only the call that actually flips `active` writes the event.
   */
  async deactivate(webhookId: string, reason: string, event: (organizationId: string) => NewEvent): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRawUnsafe<{ organization_id: string }[]>(
        `UPDATE "webhooks" SET "active" = false, "deactivated_reason" = $2, "updated_at" = now() WHERE "id" = $1 AND "active" RETURNING "organization_id"`,
        webhookId, reason,
      );
      if (rows.length === 0) return false;
      await this.outbox.append(sqlOf(tx), [event(rows[0]!.organization_id)]);
      return true;
    });
  }

  async markFailed(deliveryId: string): Promise<void> {
    await this.prisma.webhookDelivery.update({ where: { id: deliveryId }, data: { status: 'FAILED', next_attempt_at: null } });
  }

  /** Pending deliveries whose next attempt is long overdue: their queue job was lost (crash before enqueue). */
  async overdue(olderThanMs: number, limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRawUnsafe<{ id: string }[]>(
      `SELECT "id" FROM "webhook_deliveries" WHERE "status" = 'PENDING' AND "next_attempt_at" < now() - ($1::int * interval '1 millisecond')
       ORDER BY "next_attempt_at" LIMIT $2`,
      olderThanMs,
      limit,
    );
    return rows.map((r) => r.id);
  }
}
