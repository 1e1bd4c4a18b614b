import { Global, Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { OutboxRelay } from './outbox-relay.service';
import { OutboxRepository } from './outbox.repository';

@Global()
@Module({
  imports: [WebhooksModule],
  providers: [OutboxRepository, OutboxRelay],
  exports: [OutboxRepository, OutboxRelay],
})
export class EventsModule {}
