import { Module } from '@nestjs/common';
import { SyncModule } from '../../sync/sync.module';
import { VendorsModule } from '../../fetch/registry/vendors.module';
import { DataAccessCheckRunner } from './data-access-check.runner';
import { DataAccessController } from './data-access.controller';
import { DataAccessRepository } from './data-access.repository';
import { DataAccessService } from './data-access.service';

@Module({
  imports: [SyncModule, VendorsModule],
  controllers: [DataAccessController],
  providers: [DataAccessRepository, DataAccessService, DataAccessCheckRunner],
  exports: [DataAccessService],
})
export class DataAccessModule {}
