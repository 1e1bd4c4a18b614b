import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module';
import { PrismaService } from '../database/prisma.service';
import { RATE_LIMIT_STORE, RateLimitGuard } from './rate-limit.guard';
import { PostgresRateLimitStore, RedisRateLimitStore } from './rate-limit.store';

/**
 * The per-API-key request limit. Import it after AuthModule: global guards run in registration order and
 * this one reads the identity the API-key guard sets.
 */
@Module({
  providers: [
    {
      provide: RATE_LIMIT_STORE,
      inject: [APP_CONFIG, PrismaService],
      useFactory: (config: RuntimeConfig, prisma: PrismaService) =>
        config.redisUrl ? new RedisRateLimitStore(config.redisUrl) : new PostgresRateLimitStore(prisma),
    },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
})
export class RateLimitModule {}
