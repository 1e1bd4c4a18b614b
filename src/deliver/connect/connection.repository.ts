import { Injectable } from '@nestjs/common';
import { newId } from '../../platform/common/ids';
import { prismaOrderBy, type ListPage } from '../../platform/common/http/list-query.dto';
import { PrismaService, type Tx } from '../../platform/database/prisma.service';
import { Transactions } from '../../platform/database/transactions';
import type { Prisma } from '../../generated/prisma/client';
import { destinationTableName } from './identifiers';
import type { StreamConfig } from './stream-catalog';

export type ConnectionRow = Prisma.ConnectConnectionGetPayload<object>;

/** Where a connection writes: its destination, namespace and the table of each stream (prefix + stream). */
export interface TableClaim {
  destinationId: string;
  namespace: string;
  tables: string[];
  /** The connection being changed, which may keep its own tables. */
  connectionId: string | null;
}

/** Another connection writing one of the claimed tables. */
export interface TakenTable {
  connection: ConnectionRow;
  table: string;
}

/** Arbitrary class of the advisory locks that serialise connection writes into one database's namespace. */
const TABLE_CLAIM_LOCK_CLASS = 7361;
/** Dropping tables waits for the destination (connect timeout 10 s, then the statements). */
const DROP_TRANSACTION_TIMEOUT_MS = 120_000;

/** The tables a connection's streams land in. */
export function connectionTables(prefix: string, streams: readonly Pick<StreamConfig, 'name'>[]): string[] {
  return streams.map((s) => destinationTableName(prefix, s.name));
}

/** Connect connections and the stream cursors they own, always scoped by organization. */
@Injectable()
export class ConnectionRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly transactions: Transactions,
  ) {}

  /**
   * Runs `write` (a create or an update) unless another connection of the organization already writes one
   * of the claimed tables: the same destination, or another pointing at the same host, port and database,
   * with the same namespace and a stream landing in the same table. Claims into one database's namespace
   * serialise on an advisory lock, so two requests at once cannot both take a table.
   */
  async claimTables<T>(
    organizationId: string,
    claim: TableClaim,
    write: (tx: Tx) => Promise<T>,
  ): Promise<{ taken: TakenTable } | { written: T }> {
    return this.transactions.run(async (tx) => {
      const destination = await tx.connectDestination.findFirst({
        where: { id: claim.destinationId, organization_id: organizationId },
      });
      if (destination) {
        const where = `${destination.host}:${destination.port}/${destination.database}/${claim.namespace}`;
        await tx.$queryRawUnsafe(
          'SELECT 1 AS locked FROM pg_advisory_xact_lock($1::int, hashtext($2))',
          TABLE_CLAIM_LOCK_CLASS,
          where,
        );
        const others = await tx.connectConnection.findMany({
          where: {
            organization_id: organizationId,
            namespace: claim.namespace,
            ...(claim.connectionId ? { id: { not: claim.connectionId } } : {}),
            destination: {
              OR: [
                { id: destination.id },
                { host: destination.host, port: destination.port, database: destination.database },
              ],
            },
          },
          orderBy: { created_at: 'asc' },
        });
        const claimed = new Set(claim.tables);
        for (const other of others) {
          const table = connectionTables(other.stream_prefix, other.streams as unknown as StreamConfig[]).find((t) =>
            claimed.has(t),
          );
          if (table) return { taken: { connection: other, table } };
        }
      }
      return { written: await write(tx) };
    });
  }

  create(tx: Tx, data: Omit<Prisma.ConnectConnectionUncheckedCreateInput, 'id'>): Promise<ConnectionRow> {
    return tx.connectConnection.create({ data: { id: newId(), ...data } });
  }

  find(organizationId: string, id: string): Promise<ConnectionRow | null> {
    return this.prisma.connectConnection.findFirst({ where: { id, organization_id: organizationId } });
  }

  async list(organizationId: string, page: ListPage) {
    const where = { organization_id: organizationId };
    return this.transactions.page(
      (tx) =>
        tx.connectConnection.findMany({ where, skip: page.offset, take: page.limit, orderBy: prismaOrderBy(page) }),
      (tx) => tx.connectConnection.count({ where }),
    );
  }

  /**
   * Updates the connection in the caller's transaction; the cursors of `resetStreams` go with it, so those
   * streams are read again from the start (their mode, fields or destination table changed).
   */
  async update(
    tx: Tx,
    organizationId: string,
    id: string,
    data: Prisma.ConnectConnectionUncheckedUpdateInput,
    resetStreams: string[],
  ): Promise<ConnectionRow | null> {
    const { count } = await tx.connectConnection.updateMany({
      where: { id, organization_id: organizationId },
      data: { ...data, updated_at: new Date() },
    });
    if (count === 0) return null;
    if (resetStreams.length > 0)
      await tx.connectStreamCursor.deleteMany({ where: { connection_id: id, stream: { in: resetStreams } } });
    return tx.connectConnection.findUnique({ where: { id } });
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.connectConnection.deleteMany({
      where: { id, organization_id: organizationId },
    });
    return count === 1;
  }

  /**
   * Deletes the connection after `first` (dropping its tables) succeeded, holding the connection's row lock
   * throughout: no run of it can start meanwhile (run requests wait for the lock, the scheduler skips it).
   * Refused while a run is running, since it would write the tables again.
   */
  async deleteAfter(
    organizationId: string,
    id: string,
    first: (connection: ConnectionRow) => Promise<void>,
  ): Promise<'deleted' | 'not_found' | { runningRunId: string }> {
    return this.transactions.run(
      async (tx) => {
        const [locked] = await tx.$queryRawUnsafe<{ id: string }[]>(
          'SELECT "id" FROM "connect_connections" WHERE "id" = $1 AND "organization_id" = $2 FOR UPDATE',
          id,
          organizationId,
        );
        if (!locked) return 'not_found';
        const running = await tx.connectRun.findFirst({
          where: { connection_id: id, status: 'RUNNING' },
          select: { id: true },
        });
        if (running) return { runningRunId: running.id };
        await first((await tx.connectConnection.findUnique({ where: { id } }))!);
        await tx.connectConnection.delete({ where: { id } });
        return 'deleted';
      },
      { timeout: DROP_TRANSACTION_TIMEOUT_MS },
    );
  }

  /** The sealed URL and address of a destination of the organization. */
  destination(organizationId: string, destinationId: string) {
    return this.prisma.connectDestination.findFirst({ where: { id: destinationId, organization_id: organizationId } });
  }

  async integrationExists(organizationId: string, integrationId: string): Promise<boolean> {
    return (
      (await this.prisma.integration.count({ where: { id: integrationId, organization_id: organizationId } })) === 1
    );
  }

  async destinationExists(organizationId: string, destinationId: string): Promise<boolean> {
    return (
      (await this.prisma.connectDestination.count({
        where: { id: destinationId, organization_id: organizationId },
      })) === 1
    );
  }
}
