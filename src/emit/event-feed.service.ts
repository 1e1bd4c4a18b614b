import { Injectable } from '@nestjs/common';
import { FEED_DEFAULT_LIMIT, type EventFeedQueryDto } from './event-feed-query.dto';
import { feedPage } from './event-feed';
import { EventFeedRepository } from './event-feed.repository';

/** The change feed for clients that poll rather than receive webhooks (extension). */
@Injectable()
export class EventFeedService {
  constructor(private readonly events: EventFeedRepository) {}

  async page(organizationId: string, query: EventFeedQueryDto) {
    const after = query.after ?? '0';
    const limit = Number(query.limit ?? FEED_DEFAULT_LIMIT);
    return feedPage(await this.events.after(organizationId, after, limit + 1), after, limit);
  }
}
