import { IsOptional, Matches } from 'class-validator';

export const FEED_DEFAULT_LIMIT = 100;
export const FEED_MAX_LIMIT = 1000;

/** `GET /v1/events` (extension): the events after a sequence, oldest first. Values arrive as strings. */
export class EventFeedQueryDto {
  @IsOptional()
  @Matches(/^\d{1,15}$/, { message: 'after must be an integer ≥ 0 (the next_after of the previous page)' })
  after?: string;

  @IsOptional()
  @Matches(/^(1000|[1-9]\d{0,2})$/, { message: `limit must be an integer from 1 to ${FEED_MAX_LIMIT}` })
  limit?: string;
}
