import { Module } from '@nestjs/common';
import { APP_CONFIG, type RuntimeConfig } from '../../platform/config/config.module';
import { PrismaService } from '../../platform/database/prisma.service';
import { DeliveryControlService } from './delivery-control.service';
import { DeliveryLogRepository } from './delivery-log.repository';
import { DeliveryRepository } from './delivery.repository';
import { OutboxRelay } from './outbox-relay.service';
import { WebhookDeliveryController } from './webhook-delivery.controller';
import { WebhookController } from './webhook.controller';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { PostgresWebhookLimitStore } from './webhook-limit.repository';
import { RedisWebhookLimitStore, WEBHOOK_LIMIT_STORE } from './webhook-limit.store';
import { WebhookReplayController } from './webhook-replay.controller';
import { WebhookReplayRepository } from './webhook-replay.repository';
import { WebhookReplayService } from './webhook-replay.service';
import { WebhookRepository } from './webhook.repository';
import { WebhookService } from './webhook.service';

/**
 * Webhooks: subscriptions, and the delivery of the outbox's events to them. Reads the outbox and hears of
 * commits through the events module's exported services (global); knows nothing of who emits.
 */
@Module({
  controllers: [WebhookController, WebhookDeliveryController, WebhookReplayController],
  providers: [
    WebhookRepository,
    WebhookService,
    DeliveryRepository,
    WebhookDispatcher,
    OutboxRelay,
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
})
export class WebhooksModule {}
