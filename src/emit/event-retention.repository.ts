import { Injectable } from '@nestjs/common';
import { PrismaService, type SqlTx } from '../platform/database/prisma.service';
import { Transactions } from '../platform/database/transactions';
import { PRUNE_EVENTS_SQL, PRUNE_LOCK_SQL, SHARE_PRUNE_LOCK_SQL } from './event-retention-sql';

/** What one prune batch deleted. */
export interface PrunedBatch {
  events: number;
  deliveries: number;
}

/** The events retention's reads and deletes (see event-retention-sql.ts). */
@Injectable()
export class EventRetentionRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly transactions: Transactions,
  ) {}

  async organizationIds(): Promise<string[]> {
    return (await this.prisma.sql<{ id: string }>('SELECT "id" FROM "organizations" ORDER BY "id"')).map((r) => r.id);
  }

  /** Waits for any prune batch to end, then keeps the next one out until the caller's transaction ends. */
  async holdOff(tx: SqlTx): Promise<void> {
    await tx.query(SHARE_PRUNE_LOCK_SQL);
  }

  /** One batch in its own short transaction. */
  async pruneBatch(organizationId: string, cutoff: Date, limit: number): Promise<PrunedBatch> {
    return this.transactions.runSql(async (tx) => {
      await tx.query(PRUNE_LOCK_SQL);
      return (await tx.query<PrunedBatch>(PRUNE_EVENTS_SQL, [organizationId, cutoff, limit])).rows[0];
    });
  }
}
