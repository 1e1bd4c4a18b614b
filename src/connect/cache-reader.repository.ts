import { Injectable } from '@nestjs/common';
import { CANONICAL_MODELS } from '../canonical/canonical-models';
import { PrismaService } from '../database/prisma.service';
import { quoteIdent } from './identifiers';
import type { CachePosition } from './connect-run.repository';
import type { StreamName } from './stream-catalog';

/**
 * Reads an integration's cached records for replication, in keyset pages ordered by (updated_at, id)
 * (index: integration_id, updated_at, id). Deleted rows are included: they replicate as rows carrying
 * deleted_at.
 */
@Injectable()
export class CacheReaderRepository {
  constructor(private readonly prisma: PrismaService) {}

  async page(organizationId: string, integrationId: string, stream: StreamName, after: CachePosition | null, limit: number): Promise<Record<string, unknown>[]> {
    const table = quoteIdent(CANONICAL_MODELS[stream].table);
    if (after === null) {
      return this.prisma.sql(
        `SELECT * FROM ${table} WHERE "integration_id" = $1 AND "organization_id" = $2 ORDER BY "updated_at", "id" LIMIT $3`,
        [integrationId, organizationId, limit],
      );
    }
    return this.prisma.sql(
      `SELECT * FROM ${table} WHERE "integration_id" = $1 AND "organization_id" = $2 AND ("updated_at", "id") > ($3::timestamptz, $4::text)
       ORDER BY "updated_at", "id" LIMIT $5`,
      [integrationId, organizationId, after.updatedAt, after.id, limit],
    );
  }
}
