import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import { APP_CONFIG, type RuntimeConfig } from '../platform/config/config.module';
import { PrismaService } from '../platform/database/prisma.service';
import { DeliveryRepository } from '../deliver/webhooks/delivery.repository';
import { WebhookDispatcher } from '../deliver/webhooks/webhook-dispatcher.service';
import { OUTBOX_CHANNEL, OutboxRepository } from './outbox.repository';

const BATCH = 500;
/** The relay wakes on the outbox's NOTIFY; polling is the safety net for a lost listener connection. */
const IDLE_POLL_MS = 1000;

/**
 * Moves committed events from the outbox to webhook deliveries. In one transaction it takes the relay
 * cursor (one relay at a time across processes, so events fan out strictly in sequence order and a
 * delivery never overtakes an earlier event still waiting for its fan-out), creates the deliveries of the
 * next batch of events and moves the cursor past them; then it enqueues the deliveries. A crash after the
 * commit leaves deliveries without jobs, which the dispatcher's sweeper re-enqueues; before it, the events
 * are simply relayed again. It sleeps until PostgreSQL notifies a commit that appended events (from any
 * process), or the next poll.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Outbox');
  private running = false;
  private wake?: () => void;
  /** Set by a notification; a relay pass clears it, so one arriving mid-pass is not slept through. */
  private notified = false;
  private listener?: Client;
  private loop?: Promise<void>;
  /** The previous batch's enqueue, still in flight while the next batch fans out. */
  private enqueueing: Promise<void> = Promise.resolve();

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
    await this.enqueueing;
    await this.listener?.end().catch(() => undefined);
  }

  /** Called after a commit that appended events in this process: relay now rather than at the next poll. */
  notify(): void {
    this.notified = true;
    this.wake?.();
  }

  /** LISTENs on a connection of its own; on any error the relay polls until the next pass reconnects. */
  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.config.databaseUrl });
    client.on('notification', () => this.notify());
    client.on('error', (error) => {
      this.logger.warn(`outbox listener lost (${error.message}); polling until it reconnects`);
      if (this.listener === client) this.listener = undefined;
      client.end().catch(() => undefined);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.listener = client;
    } catch (error) {
      this.logger.warn(`outbox listener: ${(error as Error).message}`);
      await client.end().catch(() => undefined);
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (!this.listener) await this.listen();
      this.notified = false;
      let relayed = 0;
      try {
        relayed = await this.relayBatch();
      } catch (error) {
        this.logger.error(`relay failed: ${(error as Error).message}`);
      }
      if (relayed < BATCH && this.running && !this.notified) {
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

  /**
   * Fans out one batch and hands its deliveries to the queue without waiting for it, so the next batch's
   * transaction overlaps this enqueue (one enqueue at a time; an enqueue that fails leaves deliveries the
   * sweeper re-enqueues).
   */
  private async relayBatch(): Promise<number> {
    const { count, deliveries } = await this.prisma.sqlTransaction(async (tx) => {
      const cursor = await this.outbox.lockCursor(tx);
      if (cursor === null) return { count: 0, deliveries: [] };
      const events = await this.outbox.after(tx, cursor, BATCH);
      if (events.length === 0) return { count: 0, deliveries: [] };
      const deliveries = await this.deliveries.fanOut(
        tx,
        events.map((e) => e.id),
      );
      await this.outbox.moveCursor(tx, events[events.length - 1].sequence);
      return { count: events.length, deliveries };
    });
    const previous = this.enqueueing;
    this.enqueueing = previous
      .then(() => this.dispatcher.enqueue(deliveries))
      .catch((error) => this.logger.error(`enqueue failed (the sweeper re-enqueues): ${(error as Error).message}`));
    return count;
  }
}
