import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import { APP_CONFIG, type RuntimeConfig } from '../platform/config/config.module';
import { OUTBOX_CHANNEL } from './outbox.repository';

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
  private listener?: Client;
  private closed = false;

  constructor(@Inject(APP_CONFIG) private readonly config: RuntimeConfig) {}

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
      if (this.closed) await client.end();
      else this.listener = client;
    } catch (error) {
      this.logger.warn(`outbox listener: ${(error as Error).message}`);
      await client.end().catch(() => undefined);
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
  }
}
