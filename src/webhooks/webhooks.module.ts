import { Module } from '@nestjs/common';
import { DeliveryRepository } from './delivery.repository';
import { WebhookController } from './webhook.controller';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { WebhookRepository } from './webhook.repository';
import { WebhookService } from './webhook.service';

@Module({
  controllers: [WebhookController],
  providers: [WebhookRepository, WebhookService, DeliveryRepository, WebhookDispatcher],
  exports: [DeliveryRepository, WebhookDispatcher],
})
export class WebhooksModule {}
