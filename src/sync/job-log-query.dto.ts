import { IsIn, IsOptional, IsString } from 'class-validator';
import { ListQueryDto } from '../platform/common/http/list-query.dto';
import { JOB_LOG_STATUSES, type JobLogStatus } from './job-log';

/** The spec's `_v1_admin_logs_jobs__get_input`; status also takes PARTIAL_SUCCESS, RUNNING and PENDING (extension). */
export class JobLogListQueryDto extends ListQueryDto {
  @IsOptional()
  @IsIn(JOB_LOG_STATUSES, { message: `status must be one of ${JOB_LOG_STATUSES.join(', ')}` })
  status?: JobLogStatus;
  @IsOptional() @IsString() integration_id?: string;
  @IsOptional() @IsString() job_type?: string;
}

/** The spec's `_v1_admin_logs_jobs_{id}_get_input`. */
export class JobLogGetQueryDto extends ListQueryDto {
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'include_all_jobs must be true or false' })
  include_all_jobs?: string;
}
