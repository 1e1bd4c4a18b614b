import { IsIn, IsOptional } from 'class-validator';
import { ListQueryDto } from '../../platform/common/http/list-query.dto';
import { IsTimeFilter } from '../../platform/common/http/query-rules';
import { EVENT_TRIGGERS } from '../../emit/event-triggers';
import { DeliveryStatus } from '../../generated/prisma/enums';

const STATUSES = Object.values(DeliveryStatus);

/** Filters of `GET /v1/webhooks/{id}/deliveries`; the time window is inclusive, as the data lists' are. */
export class ListDeliveriesQueryDto extends ListQueryDto {
  @IsOptional()
  @IsIn(STATUSES, { message: `status must be one of ${STATUSES.join(', ')}` })
  status?: string;

  @IsOptional()
  @IsIn(EVENT_TRIGGERS, { message: `trigger must be one of ${EVENT_TRIGGERS.join(', ')}` })
  trigger?: string;

  @IsOptional()
  @IsTimeFilter()
  created_at_gte?: string;

  @IsOptional()
  @IsTimeFilter()
  created_at_lte?: string;
}

/** `POST /v1/webhooks/{id}/replay`: events committed in [since, until); `until` defaults to now. */
export class ReplayWebhookDto {
  @IsTimeFilter()
  since!: string;

  @IsOptional()
  @IsTimeFilter()
  until?: string;
}
