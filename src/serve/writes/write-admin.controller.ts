import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { OrgId } from '../../platform/auth/api-key.guard';
import { WriteJobs } from '../../sync/write-jobs.service';

/** A write's status, its retry, and its vendor requests (API.md §6). */
@Controller('v1/admin')
export class WriteAdminController {
  constructor(private readonly jobs: WriteJobs) {}

  @Get('write-status/:root_job_id')
  status(@OrgId() org: string, @Param('root_job_id') rootJobId: string) {
    return this.jobs.status(org, rootJobId);
  }

  @Post('retry-write/:root_job_id')
  @HttpCode(200)
  retry(@OrgId() org: string, @Param('root_job_id') rootJobId: string) {
    return this.jobs.retry(org, rootJobId);
  }

  /** Extension: the vendor request and response of one write's call, answered directly (Propexo redirects). */
  @Get('job-logs/:job_log_id/data')
  async logData(@OrgId() org: string, @Param('job_log_id') jobLogId: string) {
    const log = await this.jobs.logData(org, jobLogId);
    return {
      id: log.id,
      job_id: log.write_job_id,
      created_at: log.created_at.toISOString(),
      request: { method: log.method, path: log.path, ...(log.request as object) },
      response: { status: log.status, body: log.response, error: log.error },
    };
  }
}
