import { Module } from '@nestjs/common';
import { DataAccessModule } from '../data-access/data-access.module';
import { SyncModule } from '../../sync/sync.module';
import { VendorsModule } from '../../fetch/registry/vendors.module';
import { IntegrationController } from './integration.controller';
import { IntegrationRepository } from './integration.repository';
import { IntegrationService } from './integration.service';
import { JobScheduleController } from './job-schedule.controller';
import { JobScheduleService } from './job-schedule.service';

@Module({
  imports: [SyncModule, VendorsModule, DataAccessModule],
  controllers: [IntegrationController, JobScheduleController],
  providers: [IntegrationRepository, IntegrationService, JobScheduleService],
})
export class IntegrationsModule {}
