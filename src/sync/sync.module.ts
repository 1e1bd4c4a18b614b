import { Module } from '@nestjs/common';
import { RecordCacheRepository } from '../cache/record-cache.repository';
import { VendorsModule } from '../vendors/vendors.module';
import { QuarantineController } from './quarantine.controller';
import { QuarantineRepository } from './quarantine.repository';
import { SyncJobRunner } from './sync-job.runner';
import { SyncIntegrationRepository, SyncRunRepository } from './sync-run.repository';
import { SyncService } from './sync.service';

@Module({
  imports: [VendorsModule],
  controllers: [QuarantineController],
  providers: [SyncRunRepository, SyncIntegrationRepository, QuarantineRepository, RecordCacheRepository, SyncService, SyncJobRunner],
  exports: [SyncService],
})
export class SyncModule {}
