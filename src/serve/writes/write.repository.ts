import { Injectable } from '@nestjs/common';
import { CANONICAL_MODELS, type CanonicalModelName } from '../../catalogue/canonical-models';
import type { IntegrationVendor } from '../../generated/prisma/enums';
import { PrismaService } from '../../platform/database/prisma.service';

/** The integration a write goes to, as the write API checks it. */
export interface WriteTarget {
  id: string;
  vendor: IntegrationVendor;
}

/** The cache rows a write names: the integration, the record an update changes, the records its id fields name. */
@Injectable()
export class WriteRepository {
  constructor(private readonly prisma: PrismaService) {}

  async integration(organizationId: string, integrationId: string): Promise<WriteTarget | null> {
    const rows = await this.prisma.sql<WriteTarget>(
      `SELECT "id", "vendor"::text AS vendor FROM "integrations" WHERE "id" = $1 AND "organization_id" = $2`,
      [integrationId, organizationId],
    );
    return rows[0] ?? null;
  }

  /** A record of the organization that is showing (not deleted), with its integration and vendor id. */
  async record(
    organizationId: string,
    model: CanonicalModelName,
    id: string,
  ): Promise<{ integration_id: string; x_id: string } | null> {
    const rows = await this.prisma.sql<{ integration_id: string; x_id: string }>(
      `SELECT "integration_id", "x_id" FROM "${CANONICAL_MODELS[model].table}"
       WHERE "id" = $1 AND "organization_id" = $2 AND "deleted_at" IS NULL`,
      [id, organizationId],
    );
    return rows[0] ?? null;
  }

  /** The vendor ids of the named records of one integration (records it does not have are left out). */
  async vendorIds(integrationId: string, model: CanonicalModelName, ids: string[]): Promise<Map<string, string>> {
    const rows = await this.prisma.sql<{ id: string; x_id: string }>(
      `SELECT "id", "x_id" FROM "${CANONICAL_MODELS[model].table}"
       WHERE "integration_id" = $1 AND "id" = ANY($2::text[]) AND "deleted_at" IS NULL`,
      [integrationId, ids],
    );
    return new Map(rows.map((r) => [r.id, r.x_id]));
  }
}
