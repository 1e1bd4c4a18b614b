import { Global, Module } from '@nestjs/common';
import { EventFeedController } from './event-feed.controller';
import { EventFeedRepository } from './event-feed.repository';
import { EventFeedService } from './event-feed.service';
import { EventRetentionRepository } from './event-retention.repository';
import { EventRetention } from './event-retention.service';
import { EventsCommitted } from './events-committed';
import { OutboxRepository } from './outbox.repository';
import { EventOutbox } from './outbox.service';

/**
 * Events: the outbox, the change feed and their retention. Producers append through EventOutbox and say so
 * through EventsCommitted; the consumer (webhook fan-out, deliver/) reads through EventOutbox and listens to
 * EventsCommitted. Nothing here knows who produces or consumes.
 */
@Global()
@Module({
  controllers: [EventFeedController],
  providers: [
    OutboxRepository,
    EventOutbox,
    EventsCommitted,
    EventFeedRepository,
    EventFeedService,
    EventRetentionRepository,
    EventRetention,
  ],
  exports: [EventOutbox, EventsCommitted],
})
export class EventsModule {}
