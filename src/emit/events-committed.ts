import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { OutboxRepository, type CommitListener } from './outbox.repository';

/**
 * The signal that events were committed to the outbox, so their consumer relays them at once rather than
 * at its next poll. Producers in this process call `notify()` after their commit; commits in any process
 * reach subscribers through PostgreSQL's NOTIFY (sent by OutboxRepository.append at commit), heard on a
 * LISTEN connection of its own. A lost signal costs latency only: the consumer also polls.
 */
@Injectable()
export class EventsCommitted implements OnModuleDestroy {
  private readonly logger = new Logger('Outbox');
  private readonly subscribers = new Set<() => void>();
  private listener?: CommitListener;
  private closed = false;

  constructor(private readonly outbox: OutboxRepository) {}

  /** Called after a commit that appended events in this process. */
  notify(): void {
    for (const subscriber of this.subscribers) subscriber();
  }

  /** Calls `subscriber` at each signal; returns the unsubscribe. */
  subscribe(subscriber: () => void): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  /**
   * Opens the LISTEN connection unless it is open: subscribers call it before each wait, so a connection
   * lost on an error is opened again at the next pass (until then they poll).
   */
  async listen(): Promise<void> {
    if (this.listener || this.closed) return;
    const opened: { listener?: CommitListener } = {};
    try {
      opened.listener = await this.outbox.listen(
        () => this.notify(),
        (error) => {
          this.logger.warn(`outbox listener lost (${error.message}); polling until it reconnects`);
          if (opened.listener && this.listener === opened.listener) this.listener = undefined;
        },
      );
    } catch (error) {
      this.logger.warn(`outbox listener: ${(error as Error).message}`);
      return;
    }
    if (this.closed) await opened.listener.close();
    else this.listener = opened.listener;
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    await this.listener?.close();
    this.listener = undefined;
  }
}
