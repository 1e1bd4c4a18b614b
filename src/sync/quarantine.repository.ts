import { Injectable } from '@nestjs/common';
import { prismaOrderBy, type ListPage } from '../platform/common/http/list-query.dto';
import { newId } from '../platform/common/ids';
import { PrismaService, type SqlTx } from '../platform/database/prisma.service';
import type { QuarantineEntry } from '../normalise/page-normaliser';

/** Vendor records that could not be normalised, kept with the reason (never silently dropped). */
@Injectable()
export class QuarantineRepository {
  constructor(private readonly prisma: PrismaService) {}

  async list(organizationId: string, integrationId: string, page: ListPage) {
    const where = { organization_id: organizationId, integration_id: integrationId };
    const [rows, total] = await Promise.all([
      this.prisma.quarantinedRecord.findMany({
        where,
        skip: page.offset,
        take: page.limit,
        orderBy: prismaOrderBy(page),
      }),
      this.prisma.quarantinedRecord.count({ where }),
    ]);
    return { rows, total };
  }

  /** One statement for the page's rejects, inside the page's transaction. */
  async add(
    tx: SqlTx,
    scope: { organizationId: string; integrationId: string; jobId: string },
    entries: QuarantineEntry[],
  ): Promise<void> {
    if (entries.length === 0) return;
    await tx.query(
      `INSERT INTO "quarantined_records" ("id", "organization_id", "integration_id", "job_id", "model", "x_id", "reason", "raw")
       SELECT t.id, $1::text, $2::text, $3::text, t.model, t.x_id, t.reason, t.raw FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[]) AS t(id, model, x_id, reason, raw)`,
      [
        scope.organizationId,
        scope.integrationId,
        scope.jobId,
        entries.map(() => newId()),
        entries.map((e) => e.model),
        entries.map((e) => e.xId),
        entries.map((e) => e.reason),
        entries.map((e) => JSON.stringify(e.raw ?? null)),
      ],
    );
  }
}
