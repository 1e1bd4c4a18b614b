import { Inject, Injectable } from '@nestjs/common';
import { Client } from 'pg';
import { newId } from '../platform/common/ids';
import { APP_CONFIG, type RuntimeConfig } from '../platform/config/config.module';
import type { SqlTx } from '../platform/database/prisma.service';
import type { NewEvent } from './event-payloads';

/** An event past the relay cursor: fan-out reads the rest from the event itself. */
export interface PendingEvent {
  id: string;
  sequence: string;
}

/** Arbitrary constant naming the outbox's commit-order lock. */
const OUTBOX_LOCK = 7_361_244_019;
/** Channel PostgreSQL notifies at each commit that appended events: relays in every process wake at once. */
export const OUTBOX_CHANNEL = 'latchkey_outbox';

/** A connection LISTENing on the outbox channel. */
export interface CommitListener {
  close(): Promise<void>;
}

/** The transactional outbox's SQL; other modules reach it through EventOutbox (outbox.service.ts). */
@Injectable()
export class OutboxRepository {
  constructor(@Inject(APP_CONFIG) private readonly config: RuntimeConfig) {}

  /**
   * Opens a connection of its own that LISTENs on the outbox channel: `onCommit` at each commit that appended
   * events (in any process), `onLost` when the connection fails later. Throws when it cannot connect.
   */
  async listen(onCommit: () => void, onLost: (error: Error) => void): Promise<CommitListener> {
    const client = new Client({ connectionString: this.config.databaseUrl });
    const close = () => client.end().catch(() => undefined);
    client.on('notification', onCommit);
    client.on('error', (error) => {
      onLost(error);
      void close();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (error) {
      await close();
      throw error;
    }
    return { close };
  }

  /**
   * Appends events in the caller's transaction, in the given order. Call it last before commit: it takes
   * a transaction-scoped lock so that event transactions commit one at a time and `sequence` order is
   * commit order (readers of the feed never see a lower sequence appear after a higher one). Returns the
   * new events' ids, in the given order.
   */
  async append(tx: SqlTx, events: NewEvent[]): Promise<string[]> {
    if (events.length === 0) return [];
    const ids = events.map(() => newId());
    await tx.query('SELECT 1 AS locked FROM pg_advisory_xact_lock($1::bigint)', [OUTBOX_LOCK]);
    await tx.query(`SELECT 1 AS notified FROM pg_notify('${OUTBOX_CHANNEL}', '')`); // sent on commit, dropped on rollback
    await tx.query(
      `INSERT INTO "events" ("id", "organization_id", "integration_id", "trigger", "model", "record_id", "payload")
       SELECT e.id, e.o, e.i, e.t, e.m, e.r, e.p
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[]) WITH ORDINALITY AS e(id, o, i, t, m, r, p, n)
       ORDER BY e.n`,
      [
        ids,
        events.map((e) => e.organizationId),
        events.map((e) => e.integrationId),
        events.map((e) => e.trigger),
        events.map((e) => e.model),
        events.map((e) => e.recordId),
        events.map((e) => JSON.stringify(e.payload)),
      ],
    );
    return ids;
  }

  /**
   * Takes the relay cursor for this transaction: the sequence up to which events have been fanned out, or
   * null when another relay holds it (that one is relaying; this one has nothing to do).
   */
  async lockCursor(tx: SqlTx): Promise<bigint | null> {
    const { rows } = await tx.query<{ sequence: string }>(
      `SELECT "sequence" FROM "outbox_cursor" WHERE "id" = 1 FOR UPDATE SKIP LOCKED`,
    );
    return rows[0] ? BigInt(rows[0].sequence) : null;
  }

  /**
   * The next events after the cursor, in sequence order. Events commit in sequence order (the append lock),
   * so what is visible past the cursor is a gap-free prefix of what will ever be there.
   */
  async after(tx: SqlTx, cursor: bigint, limit: number): Promise<PendingEvent[]> {
    const { rows } = await tx.query<PendingEvent>(
      // Ordered by the column, not the text alias of the same name ('10' < '9').
      `SELECT e."id", e."sequence"::text AS "sequence" FROM "events" e
       WHERE e."sequence" > $1::bigint ORDER BY e."sequence" LIMIT $2`,
      [cursor.toString(), limit],
    );
    return rows;
  }

  async moveCursor(tx: SqlTx, sequence: string): Promise<void> {
    await tx.query(`UPDATE "outbox_cursor" SET "sequence" = $1::bigint, "updated_at" = now() WHERE "id" = 1`, [
      sequence,
    ]);
  }
}
