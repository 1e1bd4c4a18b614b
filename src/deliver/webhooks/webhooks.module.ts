import { Module } from '@nestjs/common';
import { APP_CONFIG, type RuntimeConfig } from '../../platform/config/config.module';
import { PrismaService } from '../../platform/database/prisma.service';
import { OutboxRepository } from '../../emit/outbox.repository';
import { DeliveryControlService } from './delivery-control.service';
import { DeliveryLogRepository } from './delivery-log.repository';
import { DeliveryRepository } from './delivery.repository';
import { WebhookDeliveryController } from './webhook-delivery.controller';
import { WebhookController } from './webhook.controller';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { PostgresWebhookLimitStore, RedisWebhookLimitStore, WEBHOOK_LIMIT_STORE } from './webhook-limit.store';
import { WebhookReplayController } from './webhook-replay.controller';
import { WebhookReplayRepository } from './webhook-replay.repository';
import { WebhookReplayService } from './webhook-replay.service';
import { WebhookRepository } from './webhook.repository';
import { WebhookService } from './webhook.service';

@Module({
  controllers: [WebhookController, WebhookDeliveryController, WebhookReplayController],
  // OutboxRepository is stateless; provided here too so webhooks can report on themselves without importing events.
  providers: [
    WebhookRepository,
    WebhookService,
    DeliveryRepository,
    WebhookDispatcher,
    OutboxRepository,
    DeliveryLogRepository,
    DeliveryControlService,
    WebhookReplayRepository,
    WebhookReplayService,
    {
      // Where the per-webhook limits meet across worker processes: Redis when there is one, else PostgreSQL.
      provide: WEBHOOK_LIMIT_STORE,
      inject: [APP_CONFIG, PrismaService],
      useFactory: (config: RuntimeConfig, prisma: PrismaService) =>
        config.redisUrl ? new RedisWebhookLimitStore(config.redisUrl) : new PostgresWebhookLimitStore(prisma),
    },
  ],
  exports: [DeliveryRepository, WebhookDispatcher],
})
export class WebhooksModule {}
