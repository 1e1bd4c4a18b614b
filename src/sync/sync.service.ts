import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { CanonicalModelName } from '../canonical/canonical-models';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module';
import { PrismaService } from '../database/prisma.service';
import type { SyncRunKind } from '../generated/prisma/enums';
import { QueueName } from '../queue/queue-names';
import { QueueService } from '../queue/queue.service';
import { SyncIntegrationRepository, SyncRunRepository } from './sync-run.repository';

export const SYNC_JOB_ATTEMPTS = 3;
const SWEEP_INTERVAL_MS = 30_000;

/** Starts sync runs: one job per model, persisted first, then enqueued by id. */
@Injectable()
export class SyncService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Sync');
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly prisma: PrismaService,
    private readonly runs: SyncRunRepository,
    private readonly integrations: SyncIntegrationRepository,
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    this.sweeper = setInterval(() => void this.requeueStale().catch((e) => this.logger.error(`sweep: ${(e as Error).message}`)), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  /**
   * The integration's first sync, exactly once however often it is activated: the first-sync mark and the
   * run commit together. Returns the run id, or null when the first sync had already started.
   */
  async startFirstSync(organizationId: string, integrationId: string, models: readonly CanonicalModelName[]): Promise<string | null> {
    const created = await this.prisma.$transaction(async (tx) => {
      if (!(await this.integrations.markFirstSyncStarted(tx, integrationId))) return null;
      return this.runs.createRun(tx, organizationId, integrationId, 'FIRST', [...models]);
    });
    if (!created) return null;
    await this.enqueue(created.jobIds);
    this.logger.log(`integration ${integrationId}: first sync ${created.runId} started (${models.join(', ')})`);
    return created.runId;
  }

  async startRun(organizationId: string, integrationId: string, kind: SyncRunKind, models: readonly CanonicalModelName[]): Promise<string> {
    const created = await this.prisma.$transaction((tx) => this.runs.createRun(tx, organizationId, integrationId, kind, [...models]));
    await this.enqueue(created.jobIds);
    this.logger.log(`integration ${integrationId}: ${kind.toLowerCase()} sync ${created.runId} started (${models.join(', ')})`);
    return created.runId;
  }

  async enqueue(jobIds: string[]): Promise<void> {
    await this.queues.queue(QueueName.SyncJobs).addBulk(
      jobIds.map((syncJobId) => ({
        name: 'sync',
        data: { syncJobId },
        opts: { jobId: syncJobId, attempts: SYNC_JOB_ATTEMPTS, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: true, removeOnFail: 1000 },
      })),
    );
  }

  private async requeueStale(): Promise<void> {
    const ids = await this.runs.stalePendingJobs(120_000);
    if (ids.length > 0) await this.enqueue(ids);
  }
}
