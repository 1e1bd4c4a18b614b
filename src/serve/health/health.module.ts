import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthRepository } from './health.repository';
import { Lifecycle } from './lifecycle';

@Module({ controllers: [HealthController], providers: [Lifecycle, HealthRepository], exports: [Lifecycle] })
export class HealthModule {}
