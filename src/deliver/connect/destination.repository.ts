import { Injectable } from '@nestjs/common';
import { newId } from '../../platform/common/ids';
import { prismaOrderBy, type ListPage } from '../../platform/common/http/list-query.dto';
import { PrismaService } from '../../platform/database/prisma.service';
import { Transactions } from '../../platform/database/transactions';
import type { Prisma } from '../../generated/prisma/client';

export type DestinationRow = Prisma.ConnectDestinationGetPayload<object>;

/** Connect destinations, always scoped by organization. */
@Injectable()
export class DestinationRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly transactions: Transactions,
  ) {}

  create(data: Omit<Prisma.ConnectDestinationUncheckedCreateInput, 'id'>): Promise<DestinationRow> {
    return this.prisma.connectDestination.create({ data: { id: newId(), ...data } });
  }

  find(organizationId: string, id: string): Promise<DestinationRow | null> {
    return this.prisma.connectDestination.findFirst({ where: { id, organization_id: organizationId } });
  }

  async list(organizationId: string, page: ListPage) {
    const where = { organization_id: organizationId };
    return this.transactions.page(
      (tx) =>
        tx.connectDestination.findMany({ where, skip: page.offset, take: page.limit, orderBy: prismaOrderBy(page) }),
      (tx) => tx.connectDestination.count({ where }),
    );
  }

  /**
   * `forgetCursors`: the URL now names another database, so every stream replicating into this destination
   * starts over there (in the same transaction).
   */
  async update(
    organizationId: string,
    id: string,
    data: Prisma.ConnectDestinationUncheckedUpdateInput,
    forgetCursors: boolean,
  ): Promise<DestinationRow | null> {
    const count = await this.transactions.run(async (tx) => {
      const { count: updated } = await tx.connectDestination.updateMany({
        where: { id, organization_id: organizationId },
        data: { ...data, updated_at: new Date() },
      });
      if (updated === 1 && forgetCursors)
        await tx.connectStreamCursor.deleteMany({ where: { connection: { destination_id: id } } });
      return updated;
    });
    return count === 0 ? null : this.find(organizationId, id);
  }

  /** 'in_use' when a connection still replicates into it. */
  async delete(organizationId: string, id: string): Promise<'deleted' | 'not_found' | 'in_use'> {
    return this.transactions.run(async (tx) => {
      const [destination] = await tx.$queryRawUnsafe<{ id: string }[]>(
        'SELECT "id" FROM "connect_destinations" WHERE "id" = $1 AND "organization_id" = $2 FOR UPDATE',
        id,
        organizationId,
      );
      if (!destination) return 'not_found';
      if ((await tx.connectConnection.count({ where: { destination_id: id } })) > 0) return 'in_use';
      await tx.connectDestination.delete({ where: { id } });
      return 'deleted';
    });
  }
}
