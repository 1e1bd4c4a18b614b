import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { ListQueryDto } from '../common/http/list-query.dto';
import { EVENT_TRIGGERS } from '../events/event-triggers';
import { DeliveryStatus } from '../generated/prisma/enums';

const STATUSES = Object.values(DeliveryStatus);

/** Filters of `GET /v1/webhooks/{id}/deliveries`; the time window is inclusive, as the data lists' are. */
export class ListDeliveriesQueryDto extends ListQueryDto {
  @IsOptional() @IsIn(STATUSES, { message: `status must be one of ${STATUSES.join(', ')}` })
  status?: string;

  @IsOptional() @IsIn(EVENT_TRIGGERS, { message: `trigger must be one of ${EVENT_TRIGGERS.join(', ')}` })
  trigger?: string;

  @IsOptional() @IsISO8601({ strict: true }, { message: 'created_at_gte must be an ISO 8601 date-time' })
  created_at_gte?: string;

  @IsOptional() @IsISO8601({ strict: true }, { message: 'created_at_lte must be an ISO 8601 date-time' })
  created_at_lte?: string;
}

/** `POST /v1/webhooks/{id}/replay`: events committed in [since, until); `until` defaults to now. */
export class ReplayWebhookDto {
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 date-time' })
  since!: string;

  @IsOptional() @IsISO8601({ strict: true }, { message: 'until must be an ISO 8601 date-time' })
  until?: string;
}
