import { Module } from '@nestjs/common';
import { SyncModule } from '../sync/sync.module';
import { VendorsModule } from '../vendors/vendors.module';
import { IntegrationController } from './integration.controller';
import { IntegrationRepository } from './integration.repository';
import { IntegrationService } from './integration.service';

@Module({ imports: [SyncModule, VendorsModule], controllers: [IntegrationController], providers: [IntegrationRepository, IntegrationService] })
export class IntegrationsModule {}
