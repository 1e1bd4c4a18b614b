import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module';
import { DataDiffRepository } from './data-diff.repository';

const CLEANUP_INTERVAL_MS = 10 * 60_000;
/** Rows per DELETE: short statements, so the cleanup never holds many locks or bloats one transaction. */
const DELETE_BATCH = 5_000;
const DAY_MS = 86_400_000;

/**
 * Keeps the data-diff log to DATA_DIFF_RETENTION_DAYS (worker role): at start, then every ten minutes. It
 * deletes data_diffs rows only; the events written with them stay, because webhook deliveries (pending,
 * retried or replayed) and the /v1/events feed read those.
 */
@Injectable()
export class DataDiffRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('DataDiffs');
  private timer?: NodeJS.Timeout;
  private pruning?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly diffs: DataDiffRepository,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    this.timer = setInterval(() => this.tick(), CLEANUP_INTERVAL_MS);
    this.timer.unref();
    this.tick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.pruning;
  }

  private tick(): void {
    if (this.pruning) return; // the previous cleanup is still deleting
    this.pruning = this.prune()
      .catch((e) => this.logger.error(`cleanup: ${(e as Error).message}`))
      .finally(() => (this.pruning = undefined));
  }

  private async prune(): Promise<void> {
    const cutoff = new Date(Date.now() - this.config.dataDiffRetentionDays * DAY_MS);
    let deleted = 0;
    for (;;) {
      const batch = await this.diffs.deleteCreatedBefore(cutoff, DELETE_BATCH);
      deleted += batch;
      if (batch < DELETE_BATCH || this.stopping) break;
    }
    if (deleted > 0) this.logger.log(`deleted ${deleted} data diff(s) created before ${cutoff.toISOString()}`);
  }
}
