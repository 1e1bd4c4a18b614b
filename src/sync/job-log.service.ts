import { Injectable } from '@nestjs/common';
import { AppError } from '../platform/common/errors/app-error';
import { assertSortable, listMeta, parseListQuery } from '../platform/common/http/list-query.dto';
import { presentJobLog, storedStatuses } from './job-log';
import type { JobLogGetQueryDto, JobLogListQueryDto } from './job-log-query.dto';
import { JobLogRepository, type JobLogFilter } from './job-log.repository';

const SORTABLE = ['created_at', 'job_type', 'integration_id'];

/** `/v1/admin/logs/jobs/`: sync runs (root jobs) and their model jobs. */
@Injectable()
export class JobLogService {
  constructor(private readonly logs: JobLogRepository) {}

  list(organizationId: string, query: JobLogListQueryDto) {
    return this.page(
      {
        organizationId,
        integrationId: query.integration_id,
        jobType: query.job_type,
        statuses: query.status ? storedStatuses(query.status) : undefined,
      },
      query,
    );
  }

  /** A job's logs; for a run (a root job), with include_all_jobs (the default), its jobs' too. */
  async get(organizationId: string, id: string, query: JobLogGetQueryDto) {
    const result = await this.page(
      { organizationId, job: { id, withSpawned: query.include_all_jobs !== 'false' } },
      query,
    );
    if (result.meta.total === 0) throw AppError.notFound('Job', id);
    return result;
  }

  private async page(filter: JobLogFilter, query: JobLogListQueryDto | JobLogGetQueryDto) {
    const page = parseListQuery(query);
    assertSortable(page.orderBy, SORTABLE);
    const { rows, total } = await this.logs.list(filter, page);
    return { meta: listMeta(page, total, rows.length), results: rows.map(presentJobLog) };
  }
}
