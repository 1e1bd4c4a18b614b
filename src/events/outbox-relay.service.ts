import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module';
import { PrismaService } from '../database/prisma.service';
import { DeliveryRepository } from '../webhooks/delivery.repository';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher.service';
import { OutboxRepository } from './outbox.repository';

const BATCH = 500;
const IDLE_POLL_MS = 250;

/**
 * Moves committed events from the outbox to webhook deliveries. In one transaction it locks a batch of
 * unrelayed events (SKIP LOCKED, so many relays share the work), creates their deliveries and marks them
 * relayed; then it enqueues the deliveries. A crash after the commit leaves deliveries without jobs, which
 * the dispatcher's sweeper re-enqueues; before it, the events are simply relayed again.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Outbox');
  private running = false;
  private wake?: () => void;
  private loop?: Promise<void>;

  constructor(
    private readonly prisma: PrismaService,
    private readonly outbox: OutboxRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly dispatcher: WebhookDispatcher,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Called after a commit that appended events in this process: relay now rather than at the next poll. */
  notify(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let relayed = 0;
      try {
        relayed = await this.relayBatch();
      } catch (error) {
        this.logger.error(`relay failed: ${(error as Error).message}`);
      }
      if (relayed < BATCH && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, IDLE_POLL_MS);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }

  async relayBatch(): Promise<number> {
    const { count, deliveries } = await this.prisma.sqlTransaction(async (tx) => {
      const events = await this.outbox.lockUnrelayed(tx, BATCH);
      if (events.length === 0) return { count: 0, deliveries: [] };
      const ids = events.map((e) => e.id);
      const deliveries = await this.deliveries.fanOut(tx, ids);
      await this.outbox.markRelayed(tx, ids);
      return { count: events.length, deliveries };
    });
    await this.dispatcher.enqueue(deliveries);
    return count;
  }
}
