import { Injectable } from '@nestjs/common';
import type { Cadence, IntegrationVendor } from '../generated/prisma/enums';
import { PrismaService, type Tx } from '../platform/database/prisma.service';
import type { FinishedRun } from './sync-run.repository';
import { nextRunAt } from './sync-schedule';

export interface SyncIntegration {
  id: string;
  organization_id: string;
  vendor: IntegrationVendor;
  credentials_encrypted: string;
  base_url: string | null;
  first_sync_completed_at: Date | null;
  max_request_frequency: number;
  max_request_cadence: Cadence;
}

/**
 * The integrations table as sync reads and writes it: the fields a sync needs, its schedule, and the row lock
 * that serialises an integration's run requests, job starts and run ends. Sync sits below the integrations
 * module, so the rows sync needs are read here; other modules reach them through SyncService.
 */
@Injectable()
export class IntegrationRecordRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Serialises run requests and run ends of one integration. */
  async lock(tx: Tx, integrationId: string): Promise<void> {
    await tx.$queryRawUnsafe('SELECT 1 AS locked FROM "integrations" WHERE "id" = $1 FOR UPDATE', integrationId);
  }

  /** Locks the integration's row for a job start (jobs start one at a time); its max_job_concurrency, null if it is gone. */
  async lockForJobStart(tx: Tx, integrationId: string): Promise<number | null> {
    const [integration] = await tx.$queryRawUnsafe<{ max_job_concurrency: number }[]>(
      'SELECT "max_job_concurrency" FROM "integrations" WHERE "id" = $1 FOR UPDATE',
      integrationId,
    );
    return integration ? integration.max_job_concurrency : null;
  }

  load(integrationId: string): Promise<SyncIntegration | null> {
    return this.prisma.integration.findUnique({
      where: { id: integrationId },
      select: {
        id: true,
        organization_id: true,
        vendor: true,
        credentials_encrypted: true,
        base_url: true,
        first_sync_completed_at: true,
        max_request_frequency: true,
        max_request_cadence: true,
      },
    });
  }

  async setCanAuthenticate(integrationId: string, value: boolean): Promise<void> {
    await this.prisma.integration.updateMany({
      where: { id: integrationId, OR: [{ can_authenticate: null }, { can_authenticate: !value }] },
      data: { can_authenticate: value },
    });
  }

  /**
   * After a run: completion times, and after the first sync, the first scheduled run. A first sync in
   * which every job failed (wrong credentials, say) completes nothing: the next activation or manual
   * sync runs as a first sync again.
   */
  async markRunComplete(tx: Tx, integrationId: string, run: FinishedRun): Promise<void> {
    if (run.status === 'FAILED') {
      if (run.kind === 'FIRST')
        await tx.integration.update({ where: { id: integrationId }, data: { first_sync_started_at: null } });
      return;
    }
    const now = new Date();
    const schedule = await tx.integration.findUniqueOrThrow({
      where: { id: integrationId },
      select: { sync_frequency: true, sync_cadence: true, sync_cron: true },
    });
    await tx.integration.update({
      where: { id: integrationId },
      data: {
        last_completed_sync: now,
        ...(run.kind === 'FIRST' ? { first_sync_completed_at: now, next_sync_at: nextRunAt(now, schedule) } : {}),
        ...(run.mode === 'FULL' && run.failed_job_count === 0 ? { last_full_sync_at: now } : {}),
      },
    });
  }

  /**
   * Integrations whose scheduled run is due, locked (other schedulers skip them) until the caller's
   * transaction ends.
   */
  async lockDue(tx: Tx, limit: number) {
    return tx.$queryRawUnsafe<
      Array<{
        id: string;
        organization_id: string;
        vendor: IntegrationVendor;
        sync_frequency: number;
        sync_cadence: Cadence;
        sync_cron: string | null;
        next_sync_at: Date;
        last_full_sync_at: Date | null;
        models_to_sync: string[];
      }>
    >(
      `SELECT "id", "organization_id", "vendor", "sync_frequency", "sync_cadence", "sync_cron", "next_sync_at", "last_full_sync_at", "models_to_sync" FROM "integrations"
       WHERE "active" AND NOT "is_archived" AND "first_sync_completed_at" IS NOT NULL AND "next_sync_at" <= now()
       ORDER BY "next_sync_at" LIMIT $1 FOR UPDATE SKIP LOCKED`,
      limit,
    );
  }

  async setNextSync(tx: Tx, integrationId: string, at: Date): Promise<void> {
    await tx.integration.update({ where: { id: integrationId }, data: { next_sync_at: at } });
  }

  async markFirstSyncStarted(tx: Tx, integrationId: string): Promise<boolean> {
    const { count } = await tx.integration.updateMany({
      where: { id: integrationId, first_sync_started_at: null },
      data: { first_sync_started_at: new Date() },
    });
    return count === 1;
  }
}
