import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../platform/database/prisma.service';
import { Transactions } from '../../platform/database/transactions';
import type { DataAccessOperation, DataAccessStatus, IntegrationVendor } from '../../generated/prisma/enums';

export interface DataAccessRow {
  model: string;
  operation: DataAccessOperation;
  status: DataAccessStatus;
  error_message: string | null;
}

export interface CheckedIntegration {
  id: string;
  vendor: IntegrationVendor;
  data_access_check_started_at: Date | null;
  last_data_access_check: Date | null;
}

/** A check not finished after this long was abandoned (its worker died): a new one may start. */
export const CHECK_ABANDONED_AFTER_MS = 10 * 60_000;

/** Data-access verdicts and the one-check-at-a-time claim on the integration row. */
@Injectable()
export class DataAccessRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly transactions: Transactions,
  ) {}

  async findIntegration(organizationId: string, integrationId: string): Promise<CheckedIntegration | null> {
    return this.prisma.integration.findFirst({
      where: { id: integrationId, organization_id: organizationId },
      select: { id: true, vendor: true, data_access_check_started_at: true, last_data_access_check: true },
    });
  }

  /**
   * Starts a check unless one is running: claims the integration and, in the same transaction, marks every
   * model's read and the writes in `probedWrites` (`'<model>.<OPERATION>'`) PROCESSING, the other writes
   * UNTESTED. Returns the claim's time, or null when busy.
   */
  async claim(integrationId: string, models: readonly string[], probedWrites: readonly string[]): Promise<Date | null> {
    return this.transactions.runSql(async (tx) => {
      const { rows } = await tx.query<{ claimed_at: Date }>(
        `UPDATE "integrations" SET "data_access_check_started_at" = now()
         WHERE "id" = $1 AND ("data_access_check_started_at" IS NULL OR "data_access_check_started_at" < now() - $2::int * interval '1 millisecond')
         RETURNING "data_access_check_started_at" AS claimed_at`,
        [integrationId, CHECK_ABANDONED_AFTER_MS],
      );
      if (rows.length === 0) return null;
      await tx.query(
        `INSERT INTO "data_access_results" ("integration_id", "model", "operation", "status", "error_message", "checked_at")
         SELECT $1, m, o::"DataAccessOperation", (CASE WHEN o = 'READ' OR m || '.' || o = ANY($3::text[]) THEN 'PROCESSING' ELSE 'UNTESTED' END)::"DataAccessStatus", NULL, now()
         FROM unnest($2::text[]) m CROSS JOIN unnest(ARRAY['READ', 'CREATE', 'UPDATE']) o
         ON CONFLICT ("integration_id", "model", "operation") DO UPDATE SET "status" = EXCLUDED."status", "error_message" = NULL, "checked_at" = now()`,
        [integrationId, models, probedWrites],
      );
      return rows[0].claimed_at;
    });
  }

  /** Gives a claim back (its job could not be queued), so the user can start again at once. */
  async release(integrationId: string, claimedAt: Date): Promise<void> {
    await this.prisma.sql(
      `UPDATE "integrations" SET "data_access_check_started_at" = NULL WHERE "id" = $1 AND "data_access_check_started_at" = $2`,
      [integrationId, claimedAt],
    );
  }

  /** Stores one verdict of a check; false when the claim is no longer this check's (a newer one took over). */
  async record(
    integrationId: string,
    claimedAt: Date,
    model: string,
    operation: DataAccessOperation,
    status: 'SUCCESS' | 'FAILED',
    errorMessage: string | null,
  ): Promise<boolean> {
    const rows = await this.prisma.sql<{ model: string }>(
      `UPDATE "data_access_results" r SET "status" = $5::"DataAccessStatus", "error_message" = $6, "checked_at" = now()
       FROM "integrations" i
       WHERE i."id" = $1 AND i."data_access_check_started_at" = $2 AND r."integration_id" = i."id" AND r."model" = $3 AND r."operation" = $4::"DataAccessOperation"
       RETURNING r."model"`,
      [integrationId, claimedAt, model, operation, status, errorMessage],
    );
    return rows.length === 1;
  }

  /**
   * A model's read refused to a sync: FAILED with the vendor's words. A check in progress (PROCESSING) is
   * left alone: its own verdict comes later.
   */
  async recordReadRefused(integrationId: string, model: string, errorMessage: string): Promise<void> {
    await this.prisma.sql(
      `INSERT INTO "data_access_results" ("integration_id", "model", "operation", "status", "error_message", "checked_at")
       VALUES ($1, $2, 'READ', 'FAILED', $3, now())
       ON CONFLICT ("integration_id", "model", "operation") DO UPDATE SET "status" = 'FAILED', "error_message" = EXCLUDED."error_message", "checked_at" = now()
       WHERE "data_access_results"."status" <> 'PROCESSING'`,
      [integrationId, model, errorMessage],
    );
  }

  /** Ends the check: its time is recorded, the claim freed, and `can_authenticate` set when the check learnt it. */
  async finish(integrationId: string, claimedAt: Date, canAuthenticate: boolean | null): Promise<void> {
    await this.prisma.sql(
      `UPDATE "integrations" SET "data_access_check_started_at" = NULL, "last_data_access_check" = now(), "can_authenticate" = COALESCE($3, "can_authenticate")
       WHERE "id" = $1 AND "data_access_check_started_at" = $2`,
      [integrationId, claimedAt, canAuthenticate],
    );
  }

  async results(integrationId: string): Promise<DataAccessRow[]> {
    return this.prisma.dataAccessResult.findMany({
      where: { integration_id: integrationId },
      select: { model: true, operation: true, status: true, error_message: true },
    });
  }

  /** Per integration, the models whose last read check FAILED (they are not synced). */
  async unreadableModels(integrationIds: string[]): Promise<Map<string, Set<string>>> {
    const rows = await this.prisma.dataAccessResult.findMany({
      where: { integration_id: { in: integrationIds }, operation: 'READ', status: 'FAILED' },
      select: { integration_id: true, model: true },
    });
    const out = new Map<string, Set<string>>();
    for (const r of rows) {
      const set = out.get(r.integration_id) ?? new Set<string>();
      set.add(r.model);
      out.set(r.integration_id, set);
    }
    return out;
  }
}
