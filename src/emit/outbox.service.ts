import { Injectable } from '@nestjs/common';
import type { SqlTx } from '../platform/database/prisma.service';
import { Transactions } from '../platform/database/transactions';
import type { NewEvent } from './event-payloads';
import { EventRetentionRepository } from './event-retention.repository';
import { OutboxRepository } from './outbox.repository';

/** What one relay pass did: how many events it moved past, and what the consumer made of them. */
export interface RelayedBatch<T> {
  relayed: number;
  results: T[];
}

/**
 * The transactional outbox, as other modules use it. Producers append events inside the transaction that
 * makes the change the events report (payloads built by event-payloads.ts); the one consumer (webhook
 * fan-out) takes them in commit order, past a cursor that moves in the same transaction as its work.
 */
@Injectable()
export class EventOutbox {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly retention: EventRetentionRepository,
    private readonly transactions: Transactions,
  ) {}

  /**
   * Keeps the events retention from deleting events and their deliveries until the caller's transaction
   * ends (after any prune batch under way): taken by writes that make an old event's delivery due again
   * (retry, replay), which a prune whose snapshot predates them could otherwise delete.
   */
  holdRetention(tx: SqlTx): Promise<void> {
    return this.retention.holdOff(tx);
  }

  /**
   * Appends events in the caller's transaction, in the given order; call it last before commit (it takes the
   * commit-order lock). Returns the new events' ids in the given order.
   */
  append(tx: SqlTx, events: NewEvent[]): Promise<string[]> {
    return this.outbox.append(tx, events);
  }

  /**
   * Hands the next `limit` committed events past the relay cursor (their ids, in sequence order) to
   * `consume` and moves the cursor past them, in one transaction: what `consume` writes commits with the
   * cursor's move, or neither does and the events come again. One relay at a time across processes (the
   * cursor's row lock, skipped when held): another pass holding it answers `{relayed: 0}` at once.
   */
  relayNext<T>(limit: number, consume: (tx: SqlTx, eventIds: string[]) => Promise<T[]>): Promise<RelayedBatch<T>> {
    return this.transactions.runSql(async (tx) => {
      const cursor = await this.outbox.lockCursor(tx);
      if (cursor === null) return { relayed: 0, results: [] };
      const events = await this.outbox.after(tx, cursor, limit);
      if (events.length === 0) return { relayed: 0, results: [] };
      const results = await consume(
        tx,
        events.map((e) => e.id),
      );
      await this.outbox.moveCursor(tx, events[events.length - 1].sequence);
      return { relayed: events.length, results };
    });
  }
}
