import { Module } from '@nestjs/common';
import { VendorsModule } from '../../fetch/registry/vendors.module';
import { SyncModule } from '../../sync/sync.module';
import { WriteAdminController } from './write-admin.controller';
import { WRITE_CONTROLLERS } from './write.controller';
import { WriteRepository } from './write.repository';
import { WriteService } from './write.service';

/** Writes to the PMS (API.md §6): the write API and its admin endpoints; the jobs are sync's WriteJobs. */
@Module({
  imports: [VendorsModule, SyncModule],
  controllers: [...WRITE_CONTROLLERS, WriteAdminController],
  providers: [WriteRepository, WriteService],
})
export class WritesModule {}
