import { Injectable } from '@nestjs/common';
import { newId } from '../common/ids';
import { PrismaService, type SqlTx, type Tx } from '../database/prisma.service';
import type { SyncJobStatus, SyncRunKind } from '../generated/prisma/enums';
import type { CanonicalModelName } from '../canonical/canonical-models';
import { CANONICAL_MODELS } from '../canonical/canonical-models';
import { assertJobTransition, STARTABLE_JOB_STATUSES } from './sync-state';

export interface JobContext {
  jobId: string;
  runId: string;
  runKind: SyncRunKind;
  model: CanonicalModelName;
  jobType: string;
  status: SyncJobStatus;
  integrationId: string;
  organizationId: string;
}

export interface FinishedRun {
  id: string;
  kind: SyncRunKind;
  models: string[];
  successful_job_count: number;
  failed_job_count: number;
}

@Injectable()
export class SyncRunRepository {
  constructor(private readonly prisma: PrismaService) {}

  async findRunning(integrationId: string): Promise<{ id: string } | null> {
    return this.prisma.syncRun.findFirst({ where: { integration_id: integrationId, status: 'RUNNING' }, select: { id: true } });
  }

  /** A run and one PENDING job per model, in the caller's transaction. */
  async createRun(tx: Tx, organizationId: string, integrationId: string, kind: SyncRunKind, models: CanonicalModelName[]) {
    const runId = newId();
    const jobs = models.map((model) => ({ id: newId(), model }));
    await tx.syncRun.create({ data: { id: runId, organization_id: organizationId, integration_id: integrationId, kind, models } });
    await tx.syncJob.createMany({
      data: jobs.map((j) => ({
        id: j.id, organization_id: organizationId, integration_id: integrationId, run_id: runId, model: j.model, job_type: CANONICAL_MODELS[j.model].jobType,
      })),
    });
    return { runId, jobIds: jobs.map((j) => j.id) };
  }

  async loadJob(jobId: string): Promise<JobContext | null> {
    const job = await this.prisma.syncJob.findUnique({ where: { id: jobId }, include: { run: { select: { kind: true } } } });
    if (!job) return null;
    return {
      jobId: job.id, runId: job.run_id, runKind: job.run.kind, model: job.model as CanonicalModelName, jobType: job.job_type,
      status: job.status, integrationId: job.integration_id, organizationId: job.organization_id,
    };
  }

  /** PENDING/RUNNING -> RUNNING, counting the attempt. Returns false if the job already ended. */
  async markRunning(jobId: string): Promise<boolean> {
    const { count } = await this.prisma.syncJob.updateMany({
      where: { id: jobId, status: { in: STARTABLE_JOB_STATUSES } },
      data: { status: 'RUNNING', attempts: { increment: 1 }, started_at: new Date(), error: null, records_seen: 0, records_written: 0, records_quarantined: 0 },
    });
    return count === 1;
  }

  async addProgress(tx: SqlTx, jobId: string, seen: number, written: number, quarantined: number): Promise<void> {
    await tx.query(
      'UPDATE "sync_jobs" SET "records_seen" = "records_seen" + $2, "records_written" = "records_written" + $3, "records_quarantined" = "records_quarantined" + $4 WHERE "id" = $1',
      [jobId, seen, written, quarantined],
    );
  }

  async requeueAfterError(jobId: string, error: string): Promise<void> {
    assertJobTransition('RUNNING', 'PENDING');
    await this.prisma.syncJob.updateMany({ where: { id: jobId, status: 'RUNNING' }, data: { status: 'PENDING', error } });
  }

  /**
   * Locks the run row until the caller's transaction ends. Jobs of one run finish in parallel; without
   * this, each would count the others as still open (their updates uncommitted) and none would end the run.
   */
  async lockRun(tx: Tx, runId: string): Promise<void> {
    await tx.$queryRawUnsafe('SELECT 1 FROM "sync_runs" WHERE "id" = $1 FOR UPDATE', runId);
  }

  /** RUNNING -> SUCCEEDED|FAILED in the caller's transaction; false if it had already ended (a duplicate delivery). */
  async finishJob(tx: Tx, jobId: string, status: 'SUCCEEDED' | 'FAILED', error: string | null): Promise<boolean> {
    assertJobTransition('RUNNING', status);
    const { count } = await tx.syncJob.updateMany({
      where: { id: jobId, status: { in: STARTABLE_JOB_STATUSES } },
      data: { status, error, finished_at: new Date() },
    });
    return count === 1;
  }

  /**
   * Ends the run when its last job has ended. Callers hold lockRun, so they run one after another and
   * exactly one of them sees no open job and gets the run back (and so emits its completion event).
   */
  async finishRunIfDone(tx: Tx, runId: string): Promise<FinishedRun | null> {
    const rows = await tx.$queryRawUnsafe<FinishedRun[]>(
      `UPDATE "sync_runs" r SET "status" = 'SUCCEEDED', "finished_at" = now(),
         "successful_job_count" = c.ok, "failed_job_count" = c.failed
       FROM (SELECT count(*) FILTER (WHERE "status" = 'SUCCEEDED')::int AS ok,
                    count(*) FILTER (WHERE "status" = 'FAILED')::int AS failed,
                    count(*) FILTER (WHERE "status" IN ('PENDING', 'RUNNING'))::int AS open
             FROM "sync_jobs" WHERE "run_id" = $1) c
       WHERE r."id" = $1 AND r."status" = 'RUNNING' AND c.open = 0
       RETURNING r."id", r."kind", r."models", r."successful_job_count", r."failed_job_count"`,
      runId,
    );
    return rows[0] ?? null;
  }

  /** PENDING jobs whose queue job may have been lost (crash between commit and enqueue). */
  async stalePendingJobs(olderThanMs: number): Promise<string[]> {
    const rows = await this.prisma.syncJob.findMany({
      where: { status: 'PENDING', created_at: { lt: new Date(Date.now() - olderThanMs) } },
      select: { id: true },
      take: 500,
    });
    return rows.map((r) => r.id);
  }
}

export interface SyncIntegration {
  id: string;
  organization_id: string;
  vendor: import('../generated/prisma/enums').IntegrationVendor;
  credentials_encrypted: string;
  base_url: string | null;
  first_sync_completed_at: Date | null;
}

/** The integration fields a sync needs; sync reads them itself so it does not depend on the integrations module. */
@Injectable()
export class SyncIntegrationRepository {
  constructor(private readonly prisma: PrismaService) {}

  load(integrationId: string): Promise<SyncIntegration | null> {
    return this.prisma.integration.findUnique({
      where: { id: integrationId },
      select: { id: true, organization_id: true, vendor: true, credentials_encrypted: true, base_url: true, first_sync_completed_at: true },
    });
  }

  async setCanAuthenticate(integrationId: string, value: boolean): Promise<void> {
    await this.prisma.integration.updateMany({ where: { id: integrationId, OR: [{ can_authenticate: null }, { can_authenticate: !value }] }, data: { can_authenticate: value } });
  }

  async markRunComplete(tx: Tx, integrationId: string, first: boolean): Promise<void> {
    const now = new Date();
    await tx.integration.update({ where: { id: integrationId }, data: { last_completed_sync: now, ...(first ? { first_sync_completed_at: now } : {}) } });
  }

  async markFirstSyncStarted(tx: Tx, integrationId: string): Promise<boolean> {
    const { count } = await tx.integration.updateMany({ where: { id: integrationId, first_sync_started_at: null }, data: { first_sync_started_at: new Date() } });
    return count === 1;
  }
}
