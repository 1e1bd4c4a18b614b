import { Injectable } from '@nestjs/common';
import type { ListPage } from '../platform/common/http/list-query.dto';
import { SqlFilter } from '../platform/common/sql-filter';
import { PrismaService } from '../platform/database/prisma.service';
import type { JobLogRow } from './job-log';

export interface JobLogFilter {
  organizationId: string;
  integrationId?: string;
  jobType?: string;
  statuses?: string[];
  /** One run or job; with `withSpawned`, a run's jobs too. */
  job?: { id: string; withSpawned: boolean };
}

/** Runs as root jobs and their model jobs as children, in one relation (the shape of JobLogRow). */
const JOB_LOGS = `
  SELECT r."id", r."id" AS "run_id", true AS "is_run", r."kind", r."organization_id", r."integration_id",
         r."kind"::text || '_SYNC' AS "job_type", r."status"::text AS "status", NULL::text AS "model", NULL::text AS "error",
         r."started_at" AS "created_at", CASE WHEN r."status" = 'QUEUED' THEN NULL ELSE r."started_at" END AS "started_at", r."finished_at",
         t."records_seen", t."records_written", t."records_quarantined", t."events_emitted", r."skipped_models", t."models_failed"
  FROM "sync_runs" r
  CROSS JOIN LATERAL (SELECT COALESCE(sum(j."records_seen"), 0)::int AS "records_seen", COALESCE(sum(j."records_written"), 0)::int AS "records_written",
                             COALESCE(sum(j."records_quarantined"), 0)::int AS "records_quarantined", COALESCE(sum(j."events_emitted"), 0)::int AS "events_emitted",
                             COALESCE(jsonb_agg(jsonb_build_object('model', j."model", 'error', COALESCE(j."error", 'failed')) ORDER BY array_position(r."models", j."model"))
                                      FILTER (WHERE j."status" = 'FAILED'), '[]') AS "models_failed"
                      FROM "sync_jobs" j WHERE j."run_id" = r."id") t
  UNION ALL
  SELECT j."id", j."run_id", false, r."kind", j."organization_id", j."integration_id",
         j."job_type", j."status"::text, j."model", j."error",
         j."created_at", j."started_at", j."finished_at",
         j."records_seen", j."records_written", j."records_quarantined", j."events_emitted", NULL::jsonb, NULL::jsonb
  FROM "sync_jobs" j JOIN "sync_runs" r ON r."id" = j."run_id"`;

/** Sync runs and jobs read as the spec's job logs; every query is scoped by organization. */
@Injectable()
export class JobLogRepository {
  constructor(private readonly prisma: PrismaService) {}

  async list(filter: JobLogFilter, page: ListPage): Promise<{ rows: JobLogRow[]; total: number }> {
    const where = new SqlFilter().add((p) => `l."organization_id" = ${p(filter.organizationId)}`);
    if (filter.integrationId) where.add((p) => `l."integration_id" = ${p(filter.integrationId)}`);
    if (filter.jobType) where.add((p) => `l."job_type" = ${p(filter.jobType)}`);
    if (filter.statuses) where.add((p) => `l."status" = ANY(${p(filter.statuses)}::text[])`);
    if (filter.job) {
      const { id, withSpawned } = filter.job;
      where.add((p) => (withSpawned ? `(l."id" = ${p(id)} OR l."run_id" = ${p(id)})` : `l."id" = ${p(id)}`));
    }
    const order = [
      ...page.orderBy.map((o) => `l."${o.field}" ${o.direction === 'desc' ? 'DESC' : 'ASC'}`),
      'l."id" ASC',
    ].join(', ');
    const limitParam = where.params.length + 1;
    const [rows, count] = await Promise.all([
      this.prisma.$queryRawUnsafe<JobLogRow[]>(
        `SELECT l.* FROM (${JOB_LOGS}) l ${where.sql} ORDER BY ${order} LIMIT $${limitParam} OFFSET $${limitParam + 1}`,
        ...where.params,
        page.limit,
        page.offset,
      ),
      this.prisma.$queryRawUnsafe<{ total: number }[]>(
        `SELECT count(*)::int AS total FROM (${JOB_LOGS}) l ${where.sql}`,
        ...where.params,
      ),
    ]);
    return { rows, total: count[0]?.total ?? 0 };
  }
}
