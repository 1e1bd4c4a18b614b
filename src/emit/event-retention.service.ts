import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PeriodicTask } from '../platform/common/periodic-task';
import { APP_CONFIG, type RuntimeConfig } from '../platform/config/config.module';
import { EventRetentionRepository } from './event-retention.repository';

const CLEANUP_INTERVAL_MS = 10 * 60_000;
/** Events per DELETE: short transactions, so the cleanup never holds many locks or keeps replays waiting. */
const DELETE_BATCH = 5_000;
const DAY_MS = 86_400_000;

/** The oldest creation time an event is kept for, or null when events are kept forever (EVENT_RETENTION_DAYS=0). */
export function eventRetentionCutoff(retentionDays: number, now = Date.now()): Date | null {
  return retentionDays > 0 ? new Date(now - retentionDays * DAY_MS) : null;
}

/**
 * Keeps the outbox (the /v1/events feed, replay windows, the delivery log) to EVENT_RETENTION_DAYS (worker
 * role): at start, then every ten minutes, organization by organization, in batches. An event goes with its
 * deliveries and their attempts, but never before the relay has fanned it out or while a delivery of it is
 * still pending (see event-retention-sql.ts).
 */
@Injectable()
export class EventRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Events');
  private readonly task = new PeriodicTask(CLEANUP_INTERVAL_MS, this.logger, 'cleanup', (stopping) =>
    this.prune(stopping),
  );

  constructor(
    private readonly events: EventRetentionRepository,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role !== 'api' && this.config.eventRetentionDays > 0) this.task.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }

  private async prune(stopping: () => boolean): Promise<void> {
    const cutoff = eventRetentionCutoff(this.config.eventRetentionDays)!;
    const total = { events: 0, deliveries: 0 };
    for (const organizationId of await this.events.organizationIds()) {
      for (;;) {
        const batch = await this.events.pruneBatch(organizationId, cutoff, DELETE_BATCH);
        total.events += batch.events;
        total.deliveries += batch.deliveries;
        if (batch.events < DELETE_BATCH || stopping()) break;
      }
      if (stopping()) break;
    }
    if (total.events > 0)
      this.logger.log(
        `deleted ${total.events} event(s) created before ${cutoff.toISOString()}, with ${total.deliveries} deliveries`,
      );
  }
}
