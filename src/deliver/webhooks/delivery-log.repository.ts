import { Injectable } from '@nestjs/common';
import type { ListPage } from '../../platform/common/http/list-query.dto';
import { newId } from '../../platform/common/ids';
import { SqlFilter } from '../../platform/common/sql-filter';
import { PrismaService, type SqlTx } from '../../platform/database/prisma.service';

export interface DeliveryRow {
  id: string;
  webhook_id: string;
  event_id: string;
  event_sequence: bigint;
  trigger: string;
  status: string;
  attempt_count: number;
  created_at: Date;
  delivered_at: Date | null;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  /** The batch job that still owns the delivery's first attempt, if any (webhook-dispatcher.service.ts). */
  dispatch_batch_id: string | null;
}

export interface AttemptRow {
  delivery_id: string;
  attempt_number: number;
  started_at: Date;
  status_code: number | null;
  duration_ms: number;
  response_excerpt: string | null;
  error: string | null;
  next_attempt_at: Date | null;
  dropped_headers: string[] | null;
}

export interface DeliveryFilter {
  status?: string;
  trigger?: string;
  createdAtGte?: string;
  createdAtLte?: string;
}

/** Order-by fields of a delivery list and their columns. */
export const DELIVERY_SORT_COLUMNS: Record<string, string> = {
  created_at: 'd."created_at"',
  event_sequence: 'e."sequence"',
  next_attempt_at: 'd."next_attempt_at"',
  delivered_at: 'd."delivered_at"',
  attempt_count: 'd."attempt_count"',
  status: 'd."status"',
};

const DELIVERY_COLUMNS = `d."id", d."webhook_id", d."event_id", e."sequence" AS event_sequence, e."trigger", d."status"::text AS status,
  d."attempt_count", d."created_at", d."delivered_at", d."next_attempt_at", d."last_attempt_at", d."dispatch_batch_id"`;

/**
 * A webhook's deliveries and attempts as its owner sees them, and the writes behind retry and test.
 * Every query is scoped by organization and webhook.
 */
@Injectable()
export class DeliveryLogRepository {
  constructor(private readonly prisma: PrismaService) {}

  async list(
    organizationId: string,
    webhookId: string,
    filter: DeliveryFilter,
    page: ListPage,
  ): Promise<{ rows: DeliveryRow[]; total: number }> {
    const where = new SqlFilter()
      .add((p) => `d."organization_id" = ${p(organizationId)}`)
      .add((p) => `d."webhook_id" = ${p(webhookId)}`);
    if (filter.status) where.add((p) => `d."status" = ${p(filter.status)}::"DeliveryStatus"`);
    if (filter.trigger) where.add((p) => `e."trigger" = ${p(filter.trigger)}`);
    if (filter.createdAtGte) where.add((p) => `d."created_at" >= ${p(filter.createdAtGte)}::timestamptz`);
    if (filter.createdAtLte) where.add((p) => `d."created_at" <= ${p(filter.createdAtLte)}::timestamptz`);
    const direction = (d: 'asc' | 'desc') => (d === 'desc' ? 'DESC' : 'ASC');
    // Deliveries of one fan-out share created_at: the event's sequence, then the id, keep pages stable.
    const tieBreak = direction(page.orderBy[0]?.direction ?? 'desc');
    const order = [
      ...page.orderBy.map((o) => `${DELIVERY_SORT_COLUMNS[o.field]} ${direction(o.direction)} NULLS LAST`),
      `e."sequence" ${tieBreak}`,
      'd."id"',
    ].join(', ');
    const from = `FROM "webhook_deliveries" d JOIN "events" e ON e."id" = d."event_id" ${where.sql}`;
    const limit = where.params.length + 1;
    const [rows, count] = await Promise.all([
      this.prisma.$queryRawUnsafe<DeliveryRow[]>(
        `SELECT ${DELIVERY_COLUMNS} ${from} ORDER BY ${order} LIMIT $${limit} OFFSET $${limit + 1}`,
        ...where.params,
        page.limit,
        page.offset,
      ),
      this.prisma.$queryRawUnsafe<{ total: number }[]>(`SELECT count(*)::int AS total ${from}`, ...where.params),
    ]);
    return { rows, total: count[0]?.total ?? 0 };
  }

  async find(organizationId: string, webhookId: string, deliveryId: string): Promise<DeliveryRow | null> {
    const rows = await this.prisma.$queryRawUnsafe<DeliveryRow[]>(
      `SELECT ${DELIVERY_COLUMNS} FROM "webhook_deliveries" d JOIN "events" e ON e."id" = d."event_id"
       WHERE d."id" = $1 AND d."organization_id" = $2 AND d."webhook_id" = $3`,
      deliveryId,
      organizationId,
      webhookId,
    );
    return rows[0] ?? null;
  }

  /** The attempts of a page of deliveries, in one query, oldest first. */
  async attempts(deliveryIds: string[]): Promise<AttemptRow[]> {
    if (deliveryIds.length === 0) return [];
    return this.prisma.$queryRawUnsafe<AttemptRow[]>(
      `SELECT "delivery_id", "attempt_number", "started_at", "status_code", "duration_ms", "response_excerpt", "error", "next_attempt_at", "dropped_headers"
       FROM "webhook_attempts" WHERE "delivery_id" = ANY($1::text[]) ORDER BY "delivery_id", "attempt_number", "started_at"`,
      deliveryIds,
    );
  }

  /**
   * Makes a delivery due now, whatever its status (a delivered one is sent again), in the caller's
   * transaction (which holds off the events retention). False when it is not the webhook's.
   */
  async resetToPending(tx: SqlTx, organizationId: string, webhookId: string, deliveryId: string): Promise<boolean> {
    const { rows } = await tx.query(
      `UPDATE "webhook_deliveries" SET "status" = 'PENDING', "next_attempt_at" = now(), "delivered_at" = NULL, "dispatch_batch_id" = NULL
       WHERE "id" = $1 AND "organization_id" = $2 AND "webhook_id" = $3 RETURNING 1 AS reset`,
      [deliveryId, organizationId, webhookId],
    );
    return rows.length > 0;
  }

  /**
   * The one delivery of an event committed for one webhook only (TEST), in the transaction that appends the
   * event: the relay never fans TEST events out. Returns the delivery id.
   */
  async addDirectDelivery(tx: SqlTx, webhookId: string, eventId: string): Promise<string> {
    const deliveryId = newId();
    await tx.query(
      `INSERT INTO "webhook_deliveries" ("id", "organization_id", "webhook_id", "event_id", "event_sequence", "record_id", "integration_id", "status", "next_attempt_at")
       SELECT $1, e."organization_id", $2, e."id", e."sequence", e."record_id", e."integration_id", 'PENDING', now() FROM "events" e WHERE e."id" = $3`,
      [deliveryId, webhookId, eventId],
    );
    return deliveryId;
  }
}
