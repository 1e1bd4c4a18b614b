import { Injectable } from '@nestjs/common';
import { newId } from '../../platform/common/ids';
import { PrismaService } from '../../platform/database/prisma.service';
import { Transactions } from '../../platform/database/transactions';
import type { Prisma } from '../../generated/prisma/client';
import type { IntegrationVendor } from '../../generated/prisma/enums';
import { prismaOrderBy, type ListPage } from '../../platform/common/http/list-query.dto';

export type IntegrationRow = Prisma.IntegrationGetPayload<object>;

/** Integrations, always scoped by organization. */
@Injectable()
export class IntegrationRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly transactions: Transactions,
  ) {}

  create(data: Omit<Prisma.IntegrationUncheckedCreateInput, 'id'>): Promise<IntegrationRow> {
    return this.prisma.integration.create({ data: { id: newId(), ...data } });
  }

  find(organizationId: string, id: string): Promise<IntegrationRow | null> {
    return this.prisma.integration.findFirst({ where: { id, organization_id: organizationId } });
  }

  async list(organizationId: string, filter: { vendor?: IntegrationVendor; isArchived: boolean }, page: ListPage) {
    const where = {
      organization_id: organizationId,
      is_archived: filter.isArchived,
      ...(filter.vendor ? { vendor: filter.vendor } : {}),
    };
    return this.transactions.page(
      (tx) => tx.integration.findMany({ where, skip: page.offset, take: page.limit, orderBy: prismaOrderBy(page) }),
      (tx) => tx.integration.count({ where }),
    );
  }

  /** `forgetDataAccess`: the data-access verdicts go with the change (new credentials), in one transaction. */
  async update(
    organizationId: string,
    id: string,
    data: Prisma.IntegrationUncheckedUpdateInput,
    options: { forgetDataAccess?: boolean } = {},
  ): Promise<IntegrationRow | null> {
    const count = await this.transactions.run(async (tx) => {
      const { count: updated } = await tx.integration.updateMany({
        where: { id, organization_id: organizationId },
        data: { ...data, updated_at: new Date() },
      });
      if (updated === 1 && options.forgetDataAccess)
        await tx.dataAccessResult.deleteMany({ where: { integration_id: id } });
      return updated;
    });
    return count === 0 ? null : this.find(organizationId, id);
  }

  /** Deletes the integration and everything cached or logged from it, in one transaction. */
  async delete(organizationId: string, id: string): Promise<boolean> {
    return this.transactions.run(async (tx) => {
      const { count } = await tx.integration.deleteMany({ where: { id, organization_id: organizationId } });
      if (count === 0) return false;
      for (const table of [
        'properties',
        'units',
        'residents',
        'leases',
        'residents_to_leases',
        'quarantined_records',
        'sync_checkpoints',
        'data_diffs',
      ]) {
        await tx.$executeRawUnsafe(`DELETE FROM "${table}" WHERE "integration_id" = $1`, id);
      }
      return true;
    });
  }

  /** Flags the spec's Integration object shows: a running sync. */
  async runningSyncs(integrationIds: string[]): Promise<Set<string>> {
    const rows = await this.prisma.syncRun.findMany({
      where: { integration_id: { in: integrationIds }, status: 'RUNNING' },
      select: { integration_id: true },
    });
    return new Set(rows.map((r) => r.integration_id));
  }

  /** When the integration's schedule last started a run (the first sync included; a run still queued has not). */
  async lastScheduledRunAt(integrationId: string): Promise<Date | null> {
    const run = await this.prisma.syncRun.findFirst({
      where: { integration_id: integrationId, kind: { in: ['FIRST', 'SCHEDULED'] }, status: { not: 'QUEUED' } },
      orderBy: { started_at: 'desc' },
      select: { started_at: true },
    });
    return run?.started_at ?? null;
  }
}
