import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { CanonicalModelName } from '../catalogue/canonical-models';
import { repeatInBackground } from '../platform/common/repeat-in-background';
import { APP_CONFIG, type RuntimeConfig } from '../platform/config/config.module';
import { Transactions } from '../platform/database/transactions';
import type { SyncRunKind } from '../generated/prisma/enums';
import { Metrics } from '../platform/observability/metrics';
import { QueueName } from '../platform/queue/queue-names';
import { QueueService } from '../platform/queue/queue.service';
import { VendorRegistry } from '../fetch/registry/vendor-registry';
import { AppError } from '../platform/common/errors/app-error';
import { presentLatestRun } from './job-log';
import { IntegrationRecordRepository, type SyncIntegration } from './integration-record.repository';
import type { JobEnded } from './run-finisher.service';
import { SyncRunRepository, type SkippedModel } from './sync-run.repository';
import { nextRunAt, runModels } from './sync-schedule';

/** An integration's latest run, as the Integration object's `last_sync_run` (extension) shows it. */
export type LastSyncRun = ReturnType<typeof presentLatestRun>;

const SWEEP_INTERVAL_MS = 30_000;
const SCHEDULER_TICK_MS = 5_000;
/** How often a worker looks for sync jobs whose worker died (at start, then this often). */
const DEAD_WORKER_CHECK_MS = 5_000;

/** Starts sync runs: one job per model, persisted first, then enqueued by id. */
@Injectable()
export class SyncService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Sync');
  private readonly stopTimers: Array<() => void> = [];

  constructor(
    private readonly transactions: Transactions,
    private readonly runs: SyncRunRepository,
    private readonly integrations: IntegrationRecordRepository,
    private readonly queues: QueueService,
    private readonly vendors: VendorRegistry,
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    const resume = () => this.resumeJobsOfDeadWorkers();
    void resume().catch((e: Error) => this.logger.error(`resume: ${e.message}`));
    this.stopTimers.push(
      repeatInBackground(SWEEP_INTERVAL_MS, this.logger, 'sweep', () => this.requeueStale()),
      repeatInBackground(SCHEDULER_TICK_MS, this.logger, 'scheduler', () => this.startDueRuns()),
      repeatInBackground(DEAD_WORKER_CHECK_MS, this.logger, 'resume', resume),
    );
  }

  onModuleDestroy(): void {
    for (const stop of this.stopTimers) stop();
  }

  /**
   * The integration's first sync, exactly once however often it is activated: the first-sync mark and the
   * run commit together. Returns the run id, or null when the first sync had already started.
   */
  async startFirstSync(
    organizationId: string,
    integrationId: string,
    models: readonly CanonicalModelName[],
  ): Promise<string | null> {
    const { readable, skipped } = await this.runs.readableModels(integrationId, models);
    if (readable.length === 0) {
      this.logger.warn(`integration ${integrationId}: first sync not started: no model passed its read access check`);
      return null;
    }
    const created = await this.transactions.run(async (tx) => {
      if (!(await this.integrations.markFirstSyncStarted(tx, integrationId))) return null;
      return this.runs.createRun(tx, organizationId, integrationId, 'FIRST', 'FULL', readable, 'RUNNING', skipped);
    });
    if (!created) return null;
    await this.enqueue(created.jobIds);
    this.metrics.syncRunStarted('FIRST');
    this.logger.log(
      `integration ${integrationId}: first sync ${created.runId} started (${readable.join(', ')}${skippedNote(skipped)})`,
    );
    return created.runId;
  }

  /**
   * A manual sync: a full pull of the given models (it also finds deletions). Runs now, or right after the
   * integration's current run.
   */
  async requestManualRun(
    organizationId: string,
    integrationId: string,
    models: readonly CanonicalModelName[],
  ): Promise<string> {
    const { readable, skipped } = await this.runs.readableModels(integrationId, models);
    if (readable.length === 0) throw unreadableError(skipped);
    const requested = await this.transactions.run(async (tx) => {
      await this.integrations.lock(tx, integrationId);
      return this.runs.requestRun(tx, organizationId, integrationId, 'MANUAL', 'FULL', readable, skipped);
    });
    await this.started(integrationId, { ...requested, kind: 'MANUAL' }, 'manual');
    return requested.runId;
  }

  /** Starts (or queues) the scheduled runs that are due, and books each integration's next one. */
  async startDueRuns(): Promise<void> {
    const requested = await this.transactions.run(async (tx) => {
      const due = await this.integrations.lockDue(tx, 50);
      const out: Array<{ integrationId: string; runId: string; jobIds: string[] }> = [];
      for (const integration of due) {
        const adapter = this.vendors.get(integration.vendor);
        await this.integrations.setNextSync(tx, integration.id, nextRunAt(new Date(), integration));
        if (!adapter) continue;
        const fullDue =
          !integration.last_full_sync_at ||
          Date.now() - integration.last_full_sync_at.getTime() >= this.config.fullSyncIntervalHours * 3_600_000;
        const mode = fullDue || adapter.incrementalModels.length === 0 ? 'FULL' : 'INCREMENTAL';
        const { readable, skipped } = await this.runs.readableModels(
          integration.id,
          runModels(adapter, integration.models_to_sync),
        );
        if (readable.length === 0) {
          this.logger.warn(
            `integration ${integration.id}: scheduled sync skipped: no model passed its read access check`,
          );
          continue;
        }
        out.push({
          integrationId: integration.id,
          ...(await this.runs.requestRun(
            tx,
            integration.organization_id,
            integration.id,
            'SCHEDULED',
            mode,
            readable,
            skipped,
          )),
        });
      }
      return out;
    });
    for (const r of requested) await this.started(r.integrationId, { ...r, kind: 'SCHEDULED' }, 'scheduled');
  }

  /** Each integration's latest started run, as its job log shows it (integrations without one are absent). */
  async latestRuns(integrationIds: string[]): Promise<Map<string, LastSyncRun>> {
    const runs = await this.runs.latestRuns(integrationIds);
    return new Map(runs.map((run) => [run.integration_id, presentLatestRun(run)]));
  }

  /** The integration as a sync (or a data-access check) opens its vendor client with; null if it is gone. */
  loadIntegration(integrationId: string): Promise<SyncIntegration | null> {
    return this.integrations.load(integrationId);
  }

  /**
   * PENDING -> RUNNING for a job about to run here (see SyncRunRepository.markRunning): its start, 'busy' to
   * look again shortly, or null when it is not to run. Jobs of one integration start one at a time.
   */
  startJob(jobId: string, integrationId: string): Promise<Date | 'busy' | null> {
    return this.transactions.run(async (tx) => {
      const maxJobConcurrency = await this.integrations.lockForJobStart(tx, integrationId);
      return this.runs.markRunning(tx, jobId, integrationId, maxJobConcurrency);
    });
  }

  /**
   * After a job ended: a run that ended with it is counted and logged, and the run that started then is
   * enqueued; otherwise the integration's jobs waiting for a free slot are woken.
   */
  async jobEnded(integrationId: string, ended: JobEnded): Promise<void> {
    const { run, next } = ended;
    if (run) {
      this.metrics.syncRunFinished(run.kind, run.status, (Date.now() - run.started_at.getTime()) / 1000);
      this.logger.log(
        `integration ${integrationId}: sync ${run.id} finished ${run.status} (${run.successful_job_count} jobs succeeded, ${run.failed_job_count} failed)`,
      );
    }
    if (next) await this.started(integrationId, next, 'queued');
    else if (!run) await this.wakeWaiting(integrationId);
  }

  private async started(
    integrationId: string,
    run: { runId: string; kind: SyncRunKind; jobIds: string[] },
    what: string,
  ): Promise<void> {
    if (run.jobIds.length === 0) {
      this.logger.log(`integration ${integrationId}: ${what} sync ${run.runId} queued behind the running one`);
      return;
    }
    await this.enqueue(run.jobIds);
    this.metrics.syncRunStarted(run.kind);
    this.logger.log(`integration ${integrationId}: ${what} sync ${run.runId} started`);
  }

  async enqueue(jobIds: string[]): Promise<void> {
    await this.queues.queue(QueueName.SyncJobs).addBulk(
      jobIds.map((syncJobId) => ({
        name: 'sync',
        data: { syncJobId },
        opts: {
          jobId: syncJobId,
          attempts: this.config.syncJobAttempts,
          backoff: { type: 'exponential', delay: this.config.syncRetryBaseMs },
          removeOnComplete: true,
          removeOnFail: 1000,
        },
      })),
    );
  }

  /**
   * Wakes jobs of the integration that were held back by its max_job_concurrency (delayed in the queue),
   * so a freed slot is taken at once rather than at their next re-check. A zero delay, not `promote()`:
   * on BullMQ's PostgreSQL backend a promote racing a worker's claim of the same due job puts the claimed
   * job back to waiting, and a second worker runs it too (test/e2e/bullmq-postgres-promote-race.e2e-spec.ts).
   * A job that is no longer delayed refuses the change.
   */
  private async wakeWaiting(integrationId: string): Promise<void> {
    const queue = this.queues.queue(QueueName.SyncJobs);
    for (const id of await this.runs.pendingJobsOf(integrationId)) {
      const job = await queue.getJob(id).catch(() => undefined);
      await job?.changeDelay(0).catch(() => undefined);
    }
  }

  /**
   * Hands the jobs of workers that died (killed, crashed) back to the queue, so they run again at once instead
   * of when their queue lock expires (a minute): at a worker's start, then every few seconds. Their queue jobs
   * are still active under the dead worker's lock; with token '0' they go back to waiting whatever the lock.
   */
  private async resumeJobsOfDeadWorkers(): Promise<void> {
    const ids = await this.runs.releaseJobsOfDeadWorkers();
    if (ids.length === 0) return;
    const queue = this.queues.queue(QueueName.SyncJobs);
    for (const id of ids) {
      const job = await queue.getJob(id);
      if (job && (await job.getState()) === 'active') await job.moveToWait('0');
    }
    await this.enqueue(ids); // the ones whose queue job is gone; a job still queued is not queued twice
    this.logger.warn(`resumed ${ids.length} sync job(s) whose worker stopped while running them: ${ids.join(', ')}`);
  }

  private async requeueStale(): Promise<void> {
    const ids = await this.runs.stalePendingJobs(120_000);
    if (ids.length > 0) await this.enqueue(ids);
  }
}

function skippedNote(skipped: SkippedModel[]): string {
  return skipped.length === 0 ? '' : `; skipped, read access FAILED: ${skipped.map((s) => s.model).join(', ')}`;
}

/** A sync that would read nothing: every model it asks for failed its read access check. */
function unreadableError(skipped: SkippedModel[]): AppError {
  return new AppError(
    'conflict',
    `Nothing to sync: every requested model failed its read access check (${skipped.map((s) => s.model).join(', ')}). Fix access at the vendor, then run the data-access check again.`,
    {
      skipped_models: skipped,
    },
  );
}
