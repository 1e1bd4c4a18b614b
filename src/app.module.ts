import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ApiDocsModule } from './serve/api-docs/api-docs.module';
import { ApiKeysModule } from './serve/api-keys/api-keys.module';
import { AuthModule } from './platform/auth/auth.module';
import { CryptoModule } from './platform/common/crypto/crypto.module';
import { AppExceptionFilter } from './platform/common/http/app-exception.filter';
import { DtoValidationPipe } from './platform/common/http/validation.pipe';
import { ConfigModule, type RuntimeConfig } from './platform/config/config.module';
import { ConnectModule } from './deliver/connect/connect.module';
import { DashboardModule } from './serve/dashboard/dashboard.module';
import { DataModule } from './serve/data/data.module';
import { DataAccessModule } from './serve/data-access/data-access.module';
import { WritesModule } from './serve/writes/writes.module';
import { DataDiffsModule } from './serve/data-diffs/data-diffs.module';
import { DatabaseModule } from './platform/database/database.module';
import { EventsModule } from './emit/events.module';
import { HealthModule } from './serve/health/health.module';
import { IntegrationsModule } from './serve/integrations/integrations.module';
import { ObservabilityModule } from './platform/observability/observability.module';
import { OutboundModule } from './platform/outbound/outbound.module';
import { QueueModule } from './platform/queue/queue.module';
import { RateLimitModule } from './platform/rate-limit/rate-limit.module';
import { SyncModule } from './sync/sync.module';
import { WebhooksModule } from './deliver/webhooks/webhooks.module';

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
        WritesModule,
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
