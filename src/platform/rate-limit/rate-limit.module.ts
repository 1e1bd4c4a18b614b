import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module';
import { RATE_LIMIT_STORE, RateLimitGuard } from './rate-limit.guard';
import { RateLimitRepository } from './rate-limit.repository';
import { PostgresRateLimitStore, RedisRateLimitStore } from './rate-limit.store';

/**
 * The per-API-key request limit. Import it after AuthModule: global guards run in registration order and
 * this one reads the identity the API-key guard sets.
 */
@Module({
  providers: [
    RateLimitRepository,
    {
      provide: RATE_LIMIT_STORE,
      inject: [APP_CONFIG, RateLimitRepository],
      useFactory: (config: RuntimeConfig, counters: RateLimitRepository) =>
        config.redisUrl ? new RedisRateLimitStore(config.redisUrl) : new PostgresRateLimitStore(counters),
    },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
})
export class RateLimitModule {}
