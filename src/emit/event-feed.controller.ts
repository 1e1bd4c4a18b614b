import { Controller, Get, Query } from '@nestjs/common';
import { OrgId } from '../platform/auth/api-key.guard';
import { ReadScope } from '../platform/auth/scopes';
import { EventFeedQueryDto } from './event-feed-query.dto';
import { EventFeedService } from './event-feed.service';

@Controller('v1/events')
@ReadScope()
export class EventFeedController {
  constructor(private readonly feed: EventFeedService) {}

  @Get()
  page(@OrgId() org: string, @Query() query: EventFeedQueryDto) {
    return this.feed.page(org, query);
  }
}
