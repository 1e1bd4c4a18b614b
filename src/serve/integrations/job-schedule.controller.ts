import { Controller, Get, Param, Query } from '@nestjs/common';
import { OrgId } from '../../platform/auth/api-key.guard';
import { GetByIdQueryDto, ListQueryDto } from '../../platform/common/http/list-query.dto';
import { JobScheduleService } from './job-schedule.service';

@Controller('v1/admin/integrations/:integration_id/job-schedules')
export class JobScheduleController {
  constructor(private readonly schedules: JobScheduleService) {}

  @Get()
  list(@OrgId() org: string, @Param('integration_id') integrationId: string, @Query() query: ListQueryDto) {
    return this.schedules.list(org, integrationId, query);
  }

  @Get(':job_schedule_id')
  get(
    @OrgId() org: string,
    @Param('integration_id') integrationId: string,
    @Param('job_schedule_id') scheduleId: string,
    @Query() _query: GetByIdQueryDto,
  ) {
    return this.schedules.get(org, integrationId, scheduleId);
  }
}
