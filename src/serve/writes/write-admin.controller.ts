import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { OrgId } from '../../platform/auth/api-key.guard';
import { VendorRegistry } from '../../fetch/registry/vendor-registry';
import { WriteJobs } from '../../sync/write-jobs.service';
import { writeSupportCatalogue } from './write-support';
import { WRITE_LOG_TIME_RANGES, WriteLogQueryDto } from './write.dto';

/** A write's status, its retry, and its vendor requests (API.md §6). */
@Controller('v1/admin')
export class WriteAdminController {
  constructor(
    private readonly jobs: WriteJobs,
    private readonly vendors: VendorRegistry,
  ) {}

  /** Extension: which writes each vendor takes, with the fields (and their spec shapes), or why not. */
  @Get('write-support')
  support() {
    const adapters = this.vendors.supportedVendors().map((vendor) => this.vendors.get(vendor)!);
    return { results: writeSupportCatalogue(adapters) };
  }

  @Get('write-status/:root_job_id')
  status(@OrgId() org: string, @Param('root_job_id') rootJobId: string) {
    return this.jobs.status(org, rootJobId);
  }

  @Post('retry-write/:root_job_id')
  @HttpCode(200)
  retry(@OrgId() org: string, @Param('root_job_id') rootJobId: string) {
    return this.jobs.retry(org, rootJobId);
  }

  /**
   * The organization's writes, newest first (spec `logs[]`); a write still under way is left out (the spec's
   * status is SUCCESS or FAILURE), a PARTIAL_SUCCESS one shows as FAILURE with its errors.
   */
  @Get('logs/writes')
  async logs(@OrgId() org: string, @Query() query: WriteLogQueryDto) {
    const rows = await this.jobs.logs({
      organizationId: org,
      since: new Date(Date.now() - WRITE_LOG_TIME_RANGES[query.time_range ?? 'month']),
      integrationId: query.integration_id,
      status: query.status,
      model: query.write_category,
      limit: Number(query.limit ?? 100),
      offset: Number(query.offset ?? 0),
    });
    return {
      results: {
        logs: rows.map((row) => ({
          id: row.id,
          created_at: row.created_at.toISOString(),
          job_id: row.id,
          root_job_id: row.root_job_id,
          job_log_id: row.job_log_id,
          status: row.status === 'SUCCESS' ? 'SUCCESS' : 'FAILURE',
          integration_id: row.integration_id,
          job_type: row.job_type,
          parameters: row.parameters,
          error: row.errors && row.errors.length > 0 ? row.errors.join('; ') : null,
          name: `${row.operation} ${row.model}`,
          vendor: row.vendor,
        })),
      },
    };
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
