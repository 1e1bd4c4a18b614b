import { Injectable } from '@nestjs/common';
import { newId } from '../common/ids';
import { prismaOrderBy, type ListPage } from '../common/http/list-query.dto';
import { PrismaService } from '../database/prisma.service';
import type { Prisma } from '../generated/prisma/client';

export type ConnectionRow = Prisma.ConnectConnectionGetPayload<object>;

/** Connect connections and the stream cursors they own, always scoped by organization. */
@Injectable()
export class ConnectionRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: Omit<Prisma.ConnectConnectionUncheckedCreateInput, 'id'>): Promise<ConnectionRow> {
    return this.prisma.connectConnection.create({ data: { id: newId(), ...data } });
  }

  find(organizationId: string, id: string): Promise<ConnectionRow | null> {
    return this.prisma.connectConnection.findFirst({ where: { id, organization_id: organizationId } });
  }

  async list(organizationId: string, page: ListPage) {
    const where = { organization_id: organizationId };
    const [rows, total] = await this.prisma.$transaction([
      this.prisma.connectConnection.findMany({ where, skip: page.offset, take: page.limit, orderBy: prismaOrderBy(page) }),
      this.prisma.connectConnection.count({ where }),
    ]);
    return { rows, total };
  }

  /**
   * Updates the connection; the cursors of `resetStreams` go with it in the same transaction, so those
   * streams are read again from the start (their mode, fields or destination table changed).
   */
  async update(organizationId: string, id: string, data: Prisma.ConnectConnectionUncheckedUpdateInput, resetStreams: string[]): Promise<ConnectionRow | null> {
    const count = await this.prisma.$transaction(async (tx) => {
      const { count: updated } = await tx.connectConnection.updateMany({ where: { id, organization_id: organizationId }, data: { ...data, updated_at: new Date() } });
      if (updated === 1 && resetStreams.length > 0) await tx.connectStreamCursor.deleteMany({ where: { connection_id: id, stream: { in: resetStreams } } });
      return updated;
    });
    return count === 0 ? null : this.find(organizationId, id);
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.connectConnection.deleteMany({ where: { id, organization_id: organizationId } });
    return count === 1;
  }

  async integrationExists(organizationId: string, integrationId: string): Promise<boolean> {
    return (await this.prisma.integration.count({ where: { id: integrationId, organization_id: organizationId } })) === 1;
  }

  async destinationExists(organizationId: string, destinationId: string): Promise<boolean> {
    return (await this.prisma.connectDestination.count({ where: { id: destinationId, organization_id: organizationId } })) === 1;
  }
}
