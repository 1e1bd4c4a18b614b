import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ApiDocsModule } from './api-docs/api-docs.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuthModule } from './auth/auth.module';
import { CryptoModule } from './common/crypto/crypto.module';
import { AppExceptionFilter } from './common/http/app-exception.filter';
import { DtoValidationPipe } from './common/http/validation.pipe';
import { ConfigModule, type RuntimeConfig } from './config/config.module';
import { ConnectModule } from './connect/connect.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { DataModule } from './data/data.module';
import { DataAccessModule } from './data-access/data-access.module';
import { DataDiffsModule } from './data-diffs/data-diffs.module';
import { DatabaseModule } from './database/database.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { IntegrationsModule } from './integrations/integrations.module';
import { ObservabilityModule } from './observability/observability.module';
import { OutboundModule } from './outbound/outbound.module';
import { QueueModule } from './queue/queue.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { SyncModule } from './sync/sync.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  static forRoot(config: RuntimeConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        CryptoModule,
        OutboundModule,
        QueueModule,
        ObservabilityModule,
        AuthModule,
        RateLimitModule, // after AuthModule: its guard reads what the API-key guard sets
        ApiKeysModule,
        EventsModule,
        WebhooksModule,
        SyncModule,
        IntegrationsModule,
        DataAccessModule,
        ConnectModule,
        DataModule,
        DataDiffsModule,
        HealthModule,
        DashboardModule,
        ApiDocsModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: AppExceptionFilter },
        { provide: APP_PIPE, useClass: DtoValidationPipe },
      ],
    };
  }
}
