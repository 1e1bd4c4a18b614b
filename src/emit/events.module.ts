import { Global, Module } from '@nestjs/common';
import { WebhooksModule } from '../deliver/webhooks/webhooks.module';
import { EventFeedController } from './event-feed.controller';
import { EventFeedRepository } from './event-feed.repository';
import { EventFeedService } from './event-feed.service';
import { EventRetentionRepository } from './event-retention.repository';
import { EventRetention } from './event-retention.service';
import { OutboxRelay } from './outbox-relay.service';
import { OutboxRepository } from './outbox.repository';

@Global()
@Module({
  imports: [WebhooksModule],
  controllers: [EventFeedController],
  providers: [
    OutboxRepository,
    OutboxRelay,
    EventFeedRepository,
    EventFeedService,
    EventRetentionRepository,
    EventRetention,
  ],
  exports: [OutboxRepository, OutboxRelay],
})
export class EventsModule {}
