import { Module } from '@nestjs/common';
import { OutboxRepository } from '../events/outbox.repository';
import { DeliveryControlService } from './delivery-control.service';
import { DeliveryLogRepository } from './delivery-log.repository';
import { DeliveryRepository } from './delivery.repository';
import { WebhookDeliveryController } from './webhook-delivery.controller';
import { WebhookController } from './webhook.controller';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { WebhookRepository } from './webhook.repository';
import { WebhookService } from './webhook.service';

@Module({
  controllers: [WebhookController, WebhookDeliveryController],
  // OutboxRepository is stateless; provided here too so webhooks can report on themselves without importing events.
  providers: [
    WebhookRepository, WebhookService, DeliveryRepository, WebhookDispatcher, OutboxRepository,
    DeliveryLogRepository, DeliveryControlService,
  ],
  exports: [DeliveryRepository, WebhookDispatcher],
})
export class WebhooksModule {}
