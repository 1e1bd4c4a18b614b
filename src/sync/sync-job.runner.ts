import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { VendorAccessDeniedError, VendorAuthError, VendorRequestError } from '../fetch/adapter/vendor-http';
import { VendorRegistry } from '../fetch/registry/vendor-registry';
import { APP_CONFIG, type RuntimeConfig } from '../platform/config/config.module';
import { QueueName, type SyncJobPayload } from '../platform/queue/queue-names';
import { QueueService } from '../platform/queue/queue.service';
import type { SyncIntegration } from './integration-record.repository';
import { ModelPull } from './model-pull.service';
import { ReadRefusals } from './read-refusals';
import { RunFinisher, type JobOutcome } from './run-finisher.service';
import { JobHandedOverError, SyncRunRepository, type JobContext } from './sync-run.repository';
import { SyncService } from './sync.service';

/** How soon a job held back by its integration's max_job_concurrency looks again. */
const BUSY_RECHECK_MS = 500;
/** Times a job's worker may stop under it (killed, crashed) and the job still runs again, as BullMQ's maxStalledCount. */
const MAX_INTERRUPTIONS = 1;

/**
 * Runs one sync job (an integration × model) off the queue, stage by stage: the model's pull (ModelPull:
 * pages fetched, normalised, each written in its own transaction), then the job's end (RunFinisher: the
 * deletion pass, the job's and perhaps the run's end with their events), then what follows (SyncService).
 * Decides what a failure means: a retry, or the job's end.
 */
@Injectable()
export class SyncJobRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger('SyncJob');

  constructor(
    private readonly queues: QueueService,
    private readonly runs: SyncRunRepository,
    private readonly sync: SyncService,
    private readonly vendors: VendorRegistry,
    private readonly pull: ModelPull,
    private readonly finisher: RunFinisher,
    private readonly readRefusals: ReadRefusals,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    const worker = this.queues.worker<SyncJobPayload>(
      QueueName.SyncJobs,
      (job, token) => this.process(job, token),
      {
        concurrency: this.config.syncWorkerConcurrency,
        lockDuration: 60_000,
      },
      (job) => this.runs.handBack(job.data.syncJobId),
    );
    worker.on('failed', (queueJob, error) => {
      if (!queueJob?.finishedOn) return; // failed an attempt; the queue retries it
      void this.failedInQueue(queueJob.data.syncJobId, error.message).catch((e) =>
        this.logger.error(`job ${queueJob.data.syncJobId}: ${(e as Error).message}`),
      );
    });
  }

  /**
   * The queue gave up on a job that `process` did not end: BullMQ fails a job that stalled more than once
   * (its worker died twice while running it) without running it again, and a throw outside `process`'s own
   * handling fails the last attempt. The job would stay open for ever, its run with it, and every later run
   * of the integration would queue behind that run; so it ends here, FAILED, with its JOB_FAILURE (and the
   * run's end if it was the last). A job `process` already ended is left alone.
   */
  private async failedInQueue(syncJobId: string, reason: string): Promise<void> {
    const job = await this.runs.loadJob(syncJobId);
    if (!job || (job.status !== 'PENDING' && job.status !== 'RUNNING')) return;
    this.logger.error(`job ${job.jobId} (${job.model}) failed for good in the queue: ${reason}`);
    await this.finish(job, await this.sync.loadIntegration(job.integrationId), {
      status: 'FAILED',
      error: `the queue gave up on the job: ${reason}`,
    });
  }

  private async process(queueJob: Job<SyncJobPayload>, token?: string): Promise<void> {
    const job = await this.runs.loadJob(queueJob.data.syncJobId);
    const startedAt = job ? await this.sync.startJob(job.jobId, job.integrationId) : null;
    if (startedAt === 'busy') {
      // The integration is at its max_job_concurrency: try again shortly, without using an attempt.
      await queueJob.moveToDelayed(Date.now() + BUSY_RECHECK_MS, token);
      throw new DelayedError();
    }
    if (!job || !startedAt) return; // already finished (a duplicate delivery), or its run is not running
    const integration = await this.sync.loadIntegration(job.integrationId);
    const adapter = integration ? this.vendors.get(integration.vendor) : undefined;
    if (!integration || !adapter) {
      await this.finish(job, integration, {
        status: 'FAILED',
        error: 'The integration or its vendor adapter no longer exists',
      });
      return;
    }
    if (job.interruptions > MAX_INTERRUPTIONS) {
      // Perhaps the job itself takes its workers down (memory): it is not run a third time.
      await this.finish(job, integration, {
        status: 'FAILED',
        error: `its worker stopped (killed or crashed) while running it ${job.interruptions} times; not run again`,
      });
      return;
    }
    try {
      const pulled = await this.pull.pull(job, integration, adapter, startedAt);
      await this.finish(job, integration, {
        status: 'SUCCEEDED',
        error: null,
        deletionsSince: pulled.complete ? startedAt : null,
        checkpoint: pulled.checkpoint,
        canAuthenticate: true,
      });
    } catch (error) {
      const message = (error as Error).message;
      if (error instanceof JobHandedOverError) {
        this.logger.warn(`${message}: stopped here`); // the job is another worker's now; nothing of it is ours to end
        return;
      }
      // The model is not readable with these credentials: its read access turns FAILED before the run can end.
      if (error instanceof VendorAccessDeniedError)
        await this.readRefusals.report({ integrationId: integration.id, model: job.model, message });
      const retryable =
        !(error instanceof VendorAuthError) && !(error instanceof VendorRequestError && !error.retryable);
      const lastAttempt = queueJob.attemptsMade + 1 >= (queueJob.opts.attempts ?? 1);
      if (retryable && !lastAttempt) {
        this.logger.warn(`job ${job.jobId} (${job.model}) failed, will retry: ${message}`);
        await this.runs.requeueAfterError(job.jobId, message);
        throw error;
      }
      this.logger.error(`job ${job.jobId} (${job.model}) failed for good: ${message}`);
      await this.finish(job, integration, {
        status: 'FAILED',
        error: message,
        ...(error instanceof VendorAuthError ? { canAuthenticate: false } : {}),
      });
      throw new UnrecoverableError(message);
    }
  }

  /** Ends the job (and its run, when it was the last), then starts what follows. */
  private async finish(job: JobContext, integration: SyncIntegration | null, outcome: JobOutcome): Promise<void> {
    const ended = await this.finisher.finish(job, integration, outcome);
    if (ended) await this.sync.jobEnded(job.integrationId, ended);
  }
}
