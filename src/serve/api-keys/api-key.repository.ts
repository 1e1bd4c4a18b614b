import { Injectable } from '@nestjs/common';
import { newId } from '../../platform/common/ids';
import { prismaOrderBy, type ListPage } from '../../platform/common/http/list-query.dto';
import { PrismaService } from '../../platform/database/prisma.service';
import { Transactions } from '../../platform/database/transactions';

/** What listings show of a key: never its hash. */
const LISTED = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  created_at: true,
  last_used_at: true,
  revoked_at: true,
} as const;

export type ApiKeyRow = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
};

export type RevokeOutcome = { revoked: ApiKeyRow } | { refused: 'not_found' | 'last_admin_key' };

@Injectable()
export class ApiKeyRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly transactions: Transactions,
  ) {}

  create(
    organizationId: string,
    key: { name: string; keyHash: string; prefix: string; scopes: string[] },
  ): Promise<ApiKeyRow> {
    return this.prisma.apiKey.create({
      data: {
        id: newId(),
        organization_id: organizationId,
        name: key.name,
        key_hash: key.keyHash,
        prefix: key.prefix,
        scopes: key.scopes,
      },
      select: LISTED,
    });
  }

  async list(organizationId: string, page: ListPage): Promise<{ rows: ApiKeyRow[]; total: number }> {
    const where = { organization_id: organizationId };
    const [rows, total] = await Promise.all([
      this.prisma.apiKey.findMany({
        where,
        select: LISTED,
        orderBy: prismaOrderBy(page),
        skip: page.offset,
        take: page.limit,
      }),
      this.prisma.apiKey.count({ where }),
    ]);
    return { rows, total };
  }

  /**
   * Revokes a key of the organization unless it is the organization's last active admin key. The
   * organization's row is locked first, so two admin keys revoking each other at once cannot both succeed.
   * Revoking a revoked key returns it unchanged.
   */
  revoke(organizationId: string, id: string): Promise<RevokeOutcome> {
    return this.transactions.run(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM "organizations" WHERE "id" = ${organizationId} FOR UPDATE`;
      const key = await tx.apiKey.findFirst({ where: { id, organization_id: organizationId }, select: LISTED });
      if (!key) return { refused: 'not_found' as const };
      if (key.revoked_at) return { revoked: key };
      if (key.scopes.includes('admin')) {
        const otherAdmins = await tx.apiKey.count({
          where: { organization_id: organizationId, revoked_at: null, scopes: { has: 'admin' }, id: { not: id } },
        });
        if (otherAdmins === 0) return { refused: 'last_admin_key' as const };
      }
      return { revoked: await tx.apiKey.update({ where: { id }, data: { revoked_at: new Date() }, select: LISTED }) };
    });
  }
}
