import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PeriodicTask } from '../../platform/common/periodic-task';
import { APP_CONFIG, type RuntimeConfig } from '../../platform/config/config.module';
import { DataDiffLog } from '../../store/cache/data-diff-log.service';

const CLEANUP_INTERVAL_MS = 10 * 60_000;
/** Rows per DELETE: short statements, so the cleanup never holds many locks or bloats one transaction. */
const DELETE_BATCH = 5_000;
const DAY_MS = 86_400_000;

/**
 * Keeps the data-diff log to DATA_DIFF_RETENTION_DAYS (worker role): at start, then every ten minutes. It
 * deletes data_diffs rows only; the events written with them follow their own retention
 * (EVENT_RETENTION_DAYS, src/emit/event-retention.service.ts).
 */
@Injectable()
export class DataDiffRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('DataDiffs');
  private readonly task = new PeriodicTask(CLEANUP_INTERVAL_MS, this.logger, 'cleanup', (stopping) =>
    this.prune(stopping),
  );

  constructor(
    private readonly diffs: DataDiffLog,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role !== 'api') this.task.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }

  private async prune(stopping: () => boolean): Promise<void> {
    const cutoff = new Date(Date.now() - this.config.dataDiffRetentionDays * DAY_MS);
    let deleted = 0;
    for (;;) {
      const batch = await this.diffs.deleteCreatedBefore(cutoff, DELETE_BATCH);
      deleted += batch;
      if (batch < DELETE_BATCH || stopping()) break;
    }
    if (deleted > 0) this.logger.log(`deleted ${deleted} data diff(s) created before ${cutoff.toISOString()}`);
  }
}
