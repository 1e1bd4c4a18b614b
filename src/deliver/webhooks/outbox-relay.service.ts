import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type RuntimeConfig } from '../../platform/config/config.module';
import { EventsCommitted } from '../../emit/events-committed';
import { EventOutbox } from '../../emit/outbox.service';
import { DeliveryRepository } from './delivery.repository';
import { DISPATCH_BATCH_SIZE, WebhookDispatcher } from './webhook-dispatcher.service';

const BATCH = 500;
/** The relay wakes when events are committed; polling is the safety net for a lost signal. */
const IDLE_POLL_MS = 1000;

/**
 * Moves committed events from the outbox to webhook deliveries. In one transaction (EventOutbox.relayNext) it
 * takes the relay cursor (one relay at a time across processes, so events fan out strictly in sequence
 * order and a delivery never overtakes an earlier event still waiting for its fan-out), creates the
 * deliveries of the next batch of events and moves the cursor past them; then it enqueues the deliveries
 * (a webhook's in batches, one queue job each).
 * A crash after the commit leaves deliveries without jobs, which the dispatcher's sweeper re-enqueues;
 * before it, the events are simply relayed again. It sleeps until events are committed (EventsCommitted:
 * in this process or, through PostgreSQL, any other), or the next poll.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Outbox');
  private running = false;
  private wake?: () => void;
  /** Set by a signal; a relay pass clears it, so one arriving mid-pass is not slept through. */
  private notified = false;
  private unsubscribe?: () => void;
  private loop?: Promise<void>;
  /** The previous batch's enqueue, still in flight while the next batch fans out. */
  private enqueueing: Promise<void> = Promise.resolve();

  constructor(
    private readonly outbox: EventOutbox,
    private readonly committed: EventsCommitted,
    private readonly deliveries: DeliveryRepository,
    private readonly dispatcher: WebhookDispatcher,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    this.running = true;
    this.unsubscribe = this.committed.subscribe(() => {
      this.notified = true;
      this.wake?.();
    });
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.wake?.();
    await this.loop;
    await this.enqueueing;
  }

  private async run(): Promise<void> {
    while (this.running) {
      await this.committed.listen();
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
    const { relayed, results: deliveries } = await this.outbox.relayNext(BATCH, (tx, eventIds) =>
      this.deliveries.fanOut(tx, eventIds, DISPATCH_BATCH_SIZE),
    );
    const previous = this.enqueueing;
    this.enqueueing = previous
      .then(() => this.dispatcher.enqueue(deliveries))
      .catch((error) => this.logger.error(`enqueue failed (the sweeper re-enqueues): ${(error as Error).message}`));
    return relayed;
  }
}
