import { Controller, Get, Param, Query } from '@nestjs/common';
import { OrgId } from '../platform/auth/api-key.guard';
import { JobLogGetQueryDto, JobLogListQueryDto } from './job-log-query.dto';
import { JobLogService } from './job-log.service';

@Controller('v1/admin/logs/jobs')
export class JobLogController {
  constructor(private readonly logs: JobLogService) {}

  @Get()
  list(@OrgId() org: string, @Query() query: JobLogListQueryDto) {
    return this.logs.list(org, query);
  }

  @Get(':id')
  get(@OrgId() org: string, @Param('id') id: string, @Query() query: JobLogGetQueryDto) {
    return this.logs.get(org, id, query);
  }
}
