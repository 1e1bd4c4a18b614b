import { Injectable } from '@nestjs/common';
import { prismaOrderBy, type ListPage } from '../../platform/common/http/list-query.dto';
import { newId } from '../../platform/common/ids';
import { PrismaService, type SqlTx } from '../../platform/database/prisma.service';
import type { RecordDiff } from '../diff/record-diff';
import type { DataDiffEventType } from '../../generated/prisma/enums';

export interface DataDiffEntry {
  recordId: string;
  eventType: DataDiffEventType;
  diff: RecordDiff;
}

export interface DataDiffScope {
  organizationId: string;
  integrationId: string;
  vendor: string;
  model: string;
  jobId: string;
}

export interface DataDiffFilter {
  organizationId: string;
  integrationId?: string;
  vendor?: string;
  before?: Date;
  after?: Date;
}

/** The data-diff log: written with each page of a sync, read by the admin API, pruned by age. */
@Injectable()
export class DataDiffRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** One statement for a page's diffs, inside the page's transaction. */
  async append(tx: SqlTx, scope: DataDiffScope, entries: DataDiffEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await tx.query(
      `INSERT INTO "data_diffs" ("id", "organization_id", "integration_id", "integration_vendor", "model", "job_id", "model_record_id", "event_type", "data_diff")
       SELECT d.id, $1::text, $2::text, $3::text, $4::text, $5::text, d.record_id, d.event_type::"DataDiffEventType", d.diff
       FROM unnest($6::text[], $7::text[], $8::text[], $9::jsonb[]) AS d(id, record_id, event_type, diff)`,
      [
        scope.organizationId,
        scope.integrationId,
        scope.vendor,
        scope.model,
        scope.jobId,
        entries.map(() => newId()),
        entries.map((e) => e.recordId),
        entries.map((e) => e.eventType),
        entries.map((e) => JSON.stringify(e.diff)),
      ],
    );
  }

  async list(filter: DataDiffFilter, page: ListPage) {
    const where = {
      organization_id: filter.organizationId,
      ...(filter.integrationId ? { integration_id: filter.integrationId } : {}),
      ...(filter.vendor ? { integration_vendor: filter.vendor } : {}),
      ...(filter.before || filter.after
        ? {
            created_at: {
              ...(filter.before ? { lt: filter.before } : {}),
              ...(filter.after ? { gt: filter.after } : {}),
            },
          }
        : {}),
    };
    const [rows, total] = await Promise.all([
      this.prisma.dataDiff.findMany({
        where,
        skip: page.offset,
        take: page.limit,
        orderBy: prismaOrderBy(page),
      }),
      this.prisma.dataDiff.count({ where }),
    ]);
    return { rows, total };
  }

  /** Deletes up to `limit` diffs created before `cutoff`; SKIP LOCKED lets several workers prune side by side. */
  async deleteCreatedBefore(cutoff: Date, limit: number): Promise<number> {
    return this.prisma.$executeRawUnsafe(
      `DELETE FROM "data_diffs" WHERE "id" IN (SELECT "id" FROM "data_diffs" WHERE "created_at" < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      cutoff,
      limit,
    );
  }
}
