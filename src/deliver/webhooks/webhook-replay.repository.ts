import { Injectable } from '@nestjs/common';
import { prismaOrderBy, type ListPage } from '../../platform/common/http/list-query.dto';
import { newId } from '../../platform/common/ids';
import { PrismaService, type SqlTx } from '../../platform/database/prisma.service';
import type { Prisma } from '../../generated/prisma/client';
import { TRIGGER_MATCHES_EVENT, WEBHOOK_HEARS_EVENT } from './webhook-matching';

export type ReplayRow = Prisma.WebhookReplayGetPayload<object>;

/** What one replay batch did: the deliveries to (re-)enqueue and those that had failed (their jobs may linger). */
export interface ReplayBatch {
  enqueue: string[];
  failed: string[];
  /** The replay's progress after the batch. */
  throughSequence: bigint;
}

/**
 * One replay batch in one statement: the next $7 events (by sequence, after $3, up to $4) created in [$5, $6)
 * that webhook $1 matches by fan-out's rules (webhook-matching.ts), each given a due delivery: a new one, or
 * its existing one reset to PENDING unless it is still pending.
 */
const REPLAY_BATCH_SQL = `WITH matched AS (
  SELECT e."id", e."sequence", e."record_id", e."integration_id" FROM "events" e
  JOIN "webhooks" w ON w."id" = $1 AND ${WEBHOOK_HEARS_EVENT}
  WHERE e."organization_id" = $2 AND e."sequence" > $3::bigint AND e."sequence" <= $4::bigint
    AND e."created_at" >= $5::timestamptz AND e."created_at" < $6::timestamptz
    AND EXISTS (SELECT 1 FROM "webhook_triggers" t WHERE ${TRIGGER_MATCHES_EVENT})
  ORDER BY e."sequence" LIMIT $7
), prior AS (
  SELECT d."id", d."status" FROM "webhook_deliveries" d JOIN matched m ON m."id" = d."event_id" WHERE d."webhook_id" = $1
), due AS (
  INSERT INTO "webhook_deliveries" ("id", "organization_id", "webhook_id", "event_id", "event_sequence", "record_id", "integration_id", "status", "next_attempt_at")
  SELECT gen_random_uuid()::text, $2::text, $1::text, m."id", m."sequence", m."record_id", m."integration_id", 'PENDING', now() FROM matched m
  ON CONFLICT ("webhook_id", "event_id") DO UPDATE SET "status" = 'PENDING', "next_attempt_at" = now(), "delivered_at" = NULL, "dispatch_batch_id" = NULL
    WHERE "webhook_deliveries"."status" <> 'PENDING'
  RETURNING "id", "event_id"
)
SELECT (SELECT count(*)::int FROM matched) AS matched,
       (SELECT max("sequence")::text FROM matched) AS last_sequence,
       coalesce((SELECT array_agg(due."id" ORDER BY m."sequence") FROM due JOIN matched m ON m."id" = due."event_id"), '{}') AS enqueue,
       coalesce((SELECT array_agg(prior."id") FROM prior WHERE prior."status" = 'FAILED'), '{}') AS failed`;

/** Replays of a webhook's events: the rows their jobs work from and report on. */
@Injectable()
export class WebhookReplayRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(organizationId: string, webhookId: string, since: Date, until: Date): Promise<ReplayRow> {
    return this.prisma.webhookReplay.create({
      data: { id: newId(), organization_id: organizationId, webhook_id: webhookId, since, until },
    });
  }

  find(organizationId: string, webhookId: string, id: string): Promise<ReplayRow | null> {
    return this.prisma.webhookReplay.findFirst({
      where: { id, organization_id: organizationId, webhook_id: webhookId },
    });
  }

  async list(organizationId: string, webhookId: string, page: ListPage) {
    const where = { organization_id: organizationId, webhook_id: webhookId };
    const [rows, total] = await Promise.all([
      this.prisma.webhookReplay.findMany({ where, skip: page.offset, take: page.limit, orderBy: prismaOrderBy(page) }),
      this.prisma.webhookReplay.count({ where }),
    ]);
    return { rows, total };
  }

  /** Counts a worker's attempt and loads the replay; null when it has ended (or went with its webhook). */
  async start(id: string): Promise<ReplayRow | null> {
    const rows = await this.prisma.$queryRawUnsafe<ReplayRow[]>(
      `UPDATE "webhook_replays" SET "status" = 'RUNNING', "attempts" = "attempts" + 1, "started_at" = coalesce("started_at", now()), "updated_at" = now()
       WHERE "id" = $1 AND "status" IN ('QUEUED', 'RUNNING') RETURNING *`,
      id,
    );
    return rows[0] ?? null;
  }

  /**
   * Fixes the window's sequence range on the replay at its first start: the events committed in [since,
   * until) of its organization. Null when there are none (the replay has nothing to do).
   */
  async fixRange(replay: ReplayRow): Promise<{ through: bigint; last: bigint } | null> {
    const rows = await this.prisma.$queryRawUnsafe<{ first: bigint | null; last: bigint | null }[]>(
      `SELECT min("sequence") AS first, max("sequence") AS last FROM "events"
       WHERE "organization_id" = $1 AND "created_at" >= $2::timestamptz AND "created_at" < $3::timestamptz`,
      replay.organization_id,
      replay.since.toISOString(),
      replay.until.toISOString(),
    );
    const { first, last } = rows[0] ?? {};
    if (first == null || last == null) return null;
    const through = first - 1n;
    await this.prisma.webhookReplay.update({
      where: { id: replay.id },
      data: { last_sequence: last, through_sequence: through, updated_at: new Date() },
    });
    return { through, last };
  }

  /**
   * The next batch after `through`, and the replay's progress and counts moved past it, in one transaction:
   * a worker that dies after it resumes after it, one that dies during it does it again. The caller's
   * transaction holds off the events retention, which would otherwise delete a delivery it has just made due.
   */
  async advance(tx: SqlTx, replay: ReplayRow, through: bigint, last: bigint, limit: number): Promise<ReplayBatch> {
    const { rows } = await tx.query<{
      matched: number;
      last_sequence: string | null;
      enqueue: string[];
      failed: string[];
    }>(REPLAY_BATCH_SQL, [
      replay.webhook_id,
      replay.organization_id,
      through.toString(),
      last.toString(),
      replay.since,
      replay.until,
      limit,
    ]);
    const batch = rows[0];
    // A short batch reached the end of the window; a full one ends at its last event.
    const throughSequence = batch.matched < limit || batch.last_sequence === null ? last : BigInt(batch.last_sequence);
    await tx.query(
      `UPDATE "webhook_replays" SET "through_sequence" = $2::bigint, "replayed" = "replayed" + $3, "already_pending" = "already_pending" + $4, "updated_at" = now()
       WHERE "id" = $1`,
      [replay.id, throughSequence.toString(), batch.enqueue.length, batch.matched - batch.enqueue.length],
    );
    return { enqueue: batch.enqueue, failed: batch.failed, throughSequence };
  }

  /** Ends a replay that is still going; false when it had ended already (or went with its webhook). */
  async finish(id: string, status: 'SUCCEEDED' | 'FAILED', error: string | null): Promise<boolean> {
    const { count } = await this.prisma.webhookReplay.updateMany({
      where: { id, status: { in: ['QUEUED', 'RUNNING'] } },
      data: { status, error, finished_at: new Date(), updated_at: new Date() },
    });
    return count === 1;
  }

  /** The error of an attempt that will be retried, shown on the replay meanwhile. */
  async noteError(id: string, error: string): Promise<void> {
    await this.prisma.webhookReplay.updateMany({
      where: { id, status: 'RUNNING' },
      data: { error, updated_at: new Date() },
    });
  }

  /** Replays not ended whose row has not moved since `before`: the sweeper checks that their job still exists. */
  async stalledSince(before: Date): Promise<string[]> {
    const rows = await this.prisma.webhookReplay.findMany({
      where: { status: { in: ['QUEUED', 'RUNNING'] }, updated_at: { lt: before } },
      select: { id: true },
      take: 500,
    });
    return rows.map((r) => r.id);
  }
}
