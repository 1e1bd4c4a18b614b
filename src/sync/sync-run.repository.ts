import { Injectable } from '@nestjs/common';
import { newId } from '../platform/common/ids';
import { PrismaService, type SqlTx, type Tx } from '../platform/database/prisma.service';
import { Transactions } from '../platform/database/transactions';
import type { SyncJobStatus, SyncMode, SyncRunKind, SyncRunStatus } from '../generated/prisma/enums';
import type { CanonicalModelName } from '../catalogue/canonical-models';
import { CANONICAL_MODELS } from '../catalogue/canonical-models';
import { assertJobTransition, assertRunTransition, STARTABLE_JOB_STATUSES } from './sync-state';
import { WorkerLease } from './worker-lease';
import { LEASE_LOCK_SPACE } from './worker-lease.repository';

export interface JobContext {
  jobId: string;
  runId: string;
  runKind: SyncRunKind;
  runMode: SyncMode;
  model: CanonicalModelName;
  jobType: string;
  status: SyncJobStatus;
  integrationId: string;
  organizationId: string;
  /** Times the worker running the job stopped under it. */
  interruptions: number;
}

/** A model a run leaves out, and why (its last read check FAILED, in the vendor's words). */
export interface SkippedModel {
  model: string;
  reason: string;
}

/** A model whose job failed, with the job's last error. */
export interface FailedModel {
  model: string;
  error: string;
}

export interface LatestRunRow {
  integration_id: string;
  id: string;
  kind: SyncRunKind;
  status: SyncRunStatus;
  started_at: Date;
  finished_at: Date | null;
}

export interface FinishedRun {
  id: string;
  kind: SyncRunKind;
  mode: SyncMode;
  /** SUCCEEDED when every job succeeded, FAILED when none did, PARTIAL in between. */
  status: 'SUCCEEDED' | 'PARTIAL' | 'FAILED';
  models: string[];
  /** The run's models whose job succeeded, and those whose job failed with its error, each in the run's order. */
  models_synced: string[];
  models_failed: FailedModel[];
  successful_job_count: number;
  failed_job_count: number;
  started_at: Date;
}

/** A page write of a job this process no longer runs: its worker lease was found free and the job handed to another worker. */
export class JobHandedOverError extends Error {
  constructor(jobId: string) {
    super(`sync job ${jobId} was handed to another worker (this process had lost its lease)`);
  }
}

@Injectable()
export class SyncRunRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly transactions: Transactions,
    private readonly lease: WorkerLease,
  ) {}

  async findRunning(integrationId: string): Promise<{ id: string } | null> {
    return this.prisma.syncRun.findFirst({
      where: { integration_id: integrationId, status: 'RUNNING' },
      select: { id: true },
    });
  }

  /**
   * Starts a run, or queues it behind the one running (one run at a time per integration; a run that comes
   * due meanwhile starts right after, none is skipped). A second request while one is queued merges into
   * it: the union of models, FULL if either asked for it. The caller's transaction must hold the
   * integration's row lock (IntegrationRecordRepository.lock). Returns the jobs to enqueue once committed (none if queued).
   */
  async requestRun(
    tx: Tx,
    organizationId: string,
    integrationId: string,
    kind: SyncRunKind,
    mode: SyncMode,
    models: CanonicalModelName[],
    skipped: SkippedModel[] = [],
  ) {
    const running = await tx.syncRun.findFirst({
      where: { integration_id: integrationId, status: 'RUNNING' },
      select: { id: true },
    });
    if (!running) return this.createRun(tx, organizationId, integrationId, kind, mode, models, 'RUNNING', skipped);
    const queued = await tx.syncRun.findFirst({
      where: { integration_id: integrationId, status: 'QUEUED' },
      include: { jobs: { select: { model: true } } },
    });
    if (!queued)
      return {
        ...(await this.createRun(tx, organizationId, integrationId, kind, mode, models, 'QUEUED', skipped)),
        jobIds: [],
      };
    const missing = models.filter((m) => !queued.jobs.some((j) => j.model === m));
    // The latest request's verdicts stand for the models it skips.
    const stillSkipped = skipped.filter((s) => !queued.jobs.some((j) => j.model === s.model));
    await tx.syncRun.update({
      where: { id: queued.id },
      data: {
        models: [...queued.models, ...missing],
        skipped_models: stillSkipped as object[],
        ...(mode === 'FULL' ? { mode } : {}),
      },
    });
    await this.createJobs(tx, organizationId, integrationId, queued.id, missing);
    return { runId: queued.id, jobIds: [] };
  }

  /** QUEUED -> RUNNING for the integration's oldest queued run, if any; returns its jobs to enqueue. */
  async startQueued(
    tx: Tx,
    integrationId: string,
  ): Promise<{ runId: string; kind: SyncRunKind; jobIds: string[] } | null> {
    const queued = await tx.syncRun.findFirst({
      where: { integration_id: integrationId, status: 'QUEUED' },
      orderBy: { started_at: 'asc' },
      include: { jobs: { select: { id: true } } },
    });
    if (!queued) return null;
    assertRunTransition('QUEUED', 'RUNNING');
    await tx.syncRun.update({ where: { id: queued.id }, data: { status: 'RUNNING', started_at: new Date() } });
    return { runId: queued.id, kind: queued.kind, jobIds: queued.jobs.map((j) => j.id) };
  }

  /** A run and one PENDING job per model, in the caller's transaction; `skipped` says which models it leaves out and why. */
  async createRun(
    tx: Tx,
    organizationId: string,
    integrationId: string,
    kind: SyncRunKind,
    mode: SyncMode,
    models: CanonicalModelName[],
    status: 'RUNNING' | 'QUEUED' = 'RUNNING',
    skipped: SkippedModel[] = [],
  ) {
    const runId = newId();
    await tx.syncRun.create({
      data: {
        id: runId,
        organization_id: organizationId,
        integration_id: integrationId,
        kind,
        mode,
        status,
        models,
        skipped_models: skipped as object[],
      },
    });
    const jobIds = await this.createJobs(tx, organizationId, integrationId, runId, models);
    return { runId, jobIds };
  }

  private async createJobs(
    tx: Tx,
    organizationId: string,
    integrationId: string,
    runId: string,
    models: CanonicalModelName[],
  ): Promise<string[]> {
    const jobs = models.map((model) => ({ id: newId(), model }));
    if (jobs.length === 0) return [];
    await tx.syncJob.createMany({
      data: jobs.map((j) => ({
        id: j.id,
        organization_id: organizationId,
        integration_id: integrationId,
        run_id: runId,
        model: j.model,
        job_type: CANONICAL_MODELS[j.model].jobType,
      })),
    });
    return jobs.map((j) => j.id);
  }

  async loadJob(jobId: string): Promise<JobContext | null> {
    const job = await this.prisma.syncJob.findUnique({
      where: { id: jobId },
      include: { run: { select: { kind: true, mode: true } } },
    });
    if (!job) return null;
    return {
      jobId: job.id,
      runId: job.run_id,
      runKind: job.run.kind,
      runMode: job.run.mode,
      model: job.model as CanonicalModelName,
      jobType: job.job_type,
      status: job.status,
      integrationId: job.integration_id,
      organizationId: job.organization_id,
      interruptions: job.interruptions,
    };
  }

  /**
   * PENDING -> RUNNING under this process's worker lease, counting the attempt. Returns the attempt's start;
   * 'busy' when the integration already runs max_job_concurrency jobs (one slow vendor must not take every
   * worker slot) or when the job itself runs under a lease (its worker is alive, or died and the job is about
   * to be handed back: never two workers at once); null if the job already ended or its run is not running.
   * A RUNNING job without a lease (started before leases existed) is taken over. The caller's transaction
   * holds the integration's row lock, so jobs of one integration start one at a time.
   */
  async markRunning(
    tx: Tx,
    jobId: string,
    integrationId: string,
    maxJobConcurrency: number | null,
  ): Promise<Date | 'busy' | null> {
    const running = await tx.syncJob.count({
      where: { integration_id: integrationId, status: 'RUNNING', id: { not: jobId } },
    });
    if (maxJobConcurrency !== null && running >= Math.max(1, maxJobConcurrency)) return 'busy';
    const startedAt = new Date();
    const { count } = await tx.syncJob.updateMany({
      where: {
        id: jobId,
        run: { status: 'RUNNING' },
        OR: [{ status: 'PENDING' }, { status: 'RUNNING', worker_lease: null }],
      },
      data: {
        status: 'RUNNING',
        worker_lease: this.lease.id,
        attempts: { increment: 1 },
        started_at: startedAt,
        error: null,
        records_seen: 0,
        records_written: 0,
        records_quarantined: 0,
      },
    });
    if (count === 1) return startedAt;
    const leased = await tx.syncJob.count({
      where: { id: jobId, status: 'RUNNING', worker_lease: { not: null }, run: { status: 'RUNNING' } },
    });
    return leased > 0 ? 'busy' : null;
  }

  async checkpoint(integrationId: string, model: CanonicalModelName): Promise<string | null> {
    const row = await this.prisma.syncCheckpoint.findUnique({
      where: { integration_id_model: { integration_id: integrationId, model } },
    });
    return row?.cursor ?? null;
  }

  /** Advances a model's since-cursor, in the transaction that wrote the records it covers. */
  async saveCheckpoint(tx: Tx, integrationId: string, model: CanonicalModelName, cursor: string): Promise<void> {
    await tx.syncCheckpoint.upsert({
      where: { integration_id_model: { integration_id: integrationId, model } },
      create: { integration_id: integrationId, model, cursor },
      update: { cursor, updated_at: new Date() },
    });
  }

  /**
   * A page's progress, in the page's transaction, under this process's lease only: a page of a job handed to
   * another worker meanwhile throws JobHandedOverError, so its transaction writes nothing.
   */
  async addProgress(
    tx: SqlTx,
    jobId: string,
    progress: { seen: number; written: number; quarantined: number; events: number },
  ): Promise<void> {
    const { rows } = await tx.query(
      `UPDATE "sync_jobs" SET "records_seen" = "records_seen" + $2, "records_written" = "records_written" + $3, "records_quarantined" = "records_quarantined" + $4,
         "events_emitted" = "events_emitted" + $5 WHERE "id" = $1 AND "worker_lease" = $6 RETURNING 1 AS updated`,
      [jobId, progress.seen, progress.written, progress.quarantined, progress.events, this.lease.id],
    );
    if (rows.length === 0) throw new JobHandedOverError(jobId);
  }

  /**
   * Splits the models a run asks for into those it may read and those whose last read check FAILED (left
   * out, with the vendor's words as the reason).
   */
  async readableModels(
    integrationId: string,
    models: readonly CanonicalModelName[],
  ): Promise<{ readable: CanonicalModelName[]; skipped: SkippedModel[] }> {
    const failed = await this.prisma.dataAccessResult.findMany({
      where: { integration_id: integrationId, operation: 'READ', status: 'FAILED', model: { in: [...models] } },
      select: { model: true, error_message: true },
    });
    const reasons = new Map(
      failed.map((f) => [f.model, `read access check FAILED: ${f.error_message ?? 'no reason given'}`]),
    );
    return {
      readable: models.filter((m) => !reasons.has(m)),
      skipped: models.filter((m) => reasons.has(m)).map((model) => ({ model, reason: reasons.get(model)! })),
    };
  }

  async requeueAfterError(jobId: string, error: string): Promise<void> {
    assertJobTransition('RUNNING', 'PENDING');
    await this.prisma.syncJob.updateMany({
      where: { id: jobId, status: 'RUNNING' },
      data: { status: 'PENDING', error },
    });
  }

  /**
   * Locks the run row until the caller's transaction ends. Jobs of one run finish in parallel; without
   * this, each would count the others as still open (their updates uncommitted) and none would end the run.
   */
  async lockRun(tx: Tx, runId: string): Promise<void> {
    await tx.$queryRawUnsafe('SELECT 1 FROM "sync_runs" WHERE "id" = $1 FOR UPDATE', runId);
  }

  /** RUNNING -> SUCCEEDED|FAILED in the caller's transaction; false if it had already ended (a duplicate delivery). */
  async finishJob(
    tx: Tx,
    jobId: string,
    status: 'SUCCEEDED' | 'FAILED',
    error: string | null,
    eventsEmitted = 0,
  ): Promise<boolean> {
    assertJobTransition('RUNNING', status);
    const { count } = await tx.syncJob.updateMany({
      where: { id: jobId, status: { in: STARTABLE_JOB_STATUSES } },
      data: { status, error, finished_at: new Date(), events_emitted: { increment: eventsEmitted } },
    });
    return count === 1;
  }

  /**
   * Ends the run when its last job has ended. Callers hold lockRun, so they run one after another and
   * exactly one of them sees no open job and gets the run back (and so emits its completion event).
   */
  async finishRunIfDone(tx: Tx, runId: string): Promise<FinishedRun | null> {
    const rows = await tx.$queryRawUnsafe<
      Array<Omit<FinishedRun, 'models_synced' | 'models_failed'> & { synced: string[]; failed: FailedModel[] }>
    >(
      `UPDATE "sync_runs" r
       SET "status" = (CASE WHEN c.failed = 0 THEN 'SUCCEEDED' WHEN c.ok = 0 THEN 'FAILED' ELSE 'PARTIAL' END)::"SyncRunStatus", "finished_at" = now(),
         "successful_job_count" = c.ok, "failed_job_count" = c.failed
       FROM (SELECT count(*) FILTER (WHERE "status" = 'SUCCEEDED')::int AS ok,
                    count(*) FILTER (WHERE "status" = 'FAILED')::int AS failed,
                    count(*) FILTER (WHERE "status" IN ('PENDING', 'RUNNING'))::int AS open,
                    COALESCE(array_agg("model") FILTER (WHERE "status" = 'SUCCEEDED'), '{}') AS synced,
                    COALESCE(jsonb_agg(jsonb_build_object('model', "model", 'error', COALESCE("error", 'failed'))) FILTER (WHERE "status" = 'FAILED'), '[]') AS failed_models
             FROM "sync_jobs" WHERE "run_id" = $1) c
       WHERE r."id" = $1 AND r."status" = 'RUNNING' AND c.open = 0
       RETURNING r."id", r."kind", r."mode", r."status", r."models", r."successful_job_count", r."failed_job_count", r."started_at", c.synced, c.failed_models AS failed`,
      runId,
    );
    const row = rows[0];
    if (!row) return null;
    const { synced, failed, ...run } = row;
    const order = (model: string) => run.models.indexOf(model);
    return {
      ...run,
      models_synced: run.models.filter((m) => synced.includes(m)),
      models_failed: failed.sort((a, b) => order(a.model) - order(b.model)),
    };
  }

  /** Each integration's latest run that started (a queued one has not), in one query. */
  async latestRuns(integrationIds: string[]): Promise<LatestRunRow[]> {
    if (integrationIds.length === 0) return [];
    return this.prisma.$queryRawUnsafe<LatestRunRow[]>(
      `SELECT DISTINCT ON ("integration_id") "integration_id", "id", "kind", "status", "started_at", "finished_at" FROM "sync_runs"
       WHERE "integration_id" = ANY($1::text[]) AND "status" <> 'QUEUED' ORDER BY "integration_id", "started_at" DESC`,
      integrationIds,
    );
  }

  /** PENDING jobs of the integration's running run. */
  async pendingJobsOf(integrationId: string): Promise<string[]> {
    const rows = await this.prisma.syncJob.findMany({
      where: { integration_id: integrationId, status: 'PENDING', run: { status: 'RUNNING' } },
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  /** PENDING jobs whose queue job may have been lost (crash between commit and enqueue). */
  async stalePendingJobs(olderThanMs: number): Promise<string[]> {
    const rows = await this.prisma.syncJob.findMany({
      where: { status: 'PENDING', run: { status: 'RUNNING', started_at: { lt: new Date(Date.now() - olderThanMs) } } },
      select: { id: true },
      take: 500,
    });
    return rows.map((r) => r.id);
  }

  /**
   * RUNNING -> PENDING for a job this process hands back at shutdown: another worker may start it at once,
   * and the pages this process's attempt still tries to write are refused (addProgress).
   */
  async handBack(jobId: string): Promise<void> {
    assertJobTransition('RUNNING', 'PENDING');
    await this.prisma.syncJob.updateMany({
      where: { id: jobId, status: 'RUNNING', worker_lease: this.lease.id },
      data: { status: 'PENDING', worker_lease: null },
    });
  }

  /**
   * RUNNING -> PENDING for the jobs whose worker is gone, counting the interruption: their lease is free (a
   * live worker holds its lease on a connection of its own, so PostgreSQL frees it only once that connection,
   * and so the process, is gone). Returns them, to be handed back to the queue.
   */
  async releaseJobsOfDeadWorkers(): Promise<string[]> {
    assertJobTransition('RUNNING', 'PENDING');
    return this.transactions.run(async (tx) => {
      const leases = await tx.$queryRawUnsafe<{ lease: number }[]>(
        `SELECT DISTINCT "worker_lease" AS lease FROM "sync_jobs" WHERE "status" = 'RUNNING' AND "worker_lease" IS NOT NULL AND "worker_lease" <> $1`,
        this.lease.id,
      );
      if (leases.length === 0) return [];
      // Taking a lease's lock succeeds only when no session holds it; it is kept to the commit, so no new
      // worker takes that id meanwhile.
      const free = await tx.$queryRawUnsafe<{ lease: number }[]>(
        `SELECT l AS lease FROM unnest($1::int[]) AS l WHERE pg_try_advisory_xact_lock(${LEASE_LOCK_SPACE}, l)`,
        leases.map((l) => l.lease),
      );
      if (free.length === 0) return [];
      const released = await tx.$queryRawUnsafe<{ id: string }[]>(
        `UPDATE "sync_jobs" SET "status" = 'PENDING', "worker_lease" = NULL, "interruptions" = "interruptions" + 1, "error" = $2
         WHERE "status" = 'RUNNING' AND "worker_lease" = ANY($1::int[]) RETURNING "id"`,
        free.map((l) => l.lease),
        'its worker stopped (killed or crashed) while running it; it runs again',
      );
      return released.map((r) => r.id);
    });
  }
}
