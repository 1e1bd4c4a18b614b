import { Module } from '@nestjs/common';
import { CacheModule } from '../store/cache/cache.module';
import { VendorsModule } from '../fetch/registry/vendors.module';
import { JobLogController } from './job-log.controller';
import { JobLogRepository } from './job-log.repository';
import { JobLogService } from './job-log.service';
import { QuarantineController } from './quarantine.controller';
import { QuarantineRepository } from './quarantine.repository';
import { ReadRefusals } from './read-refusals';
import { SyncJobRunner } from './sync-job.runner';
import { SyncIntegrationRepository, SyncRunRepository } from './sync-run.repository';
import { SyncService } from './sync.service';
import { VendorStateController } from './vendor-state.controller';
import { VendorClientFactory } from './vendor-client.factory';
import { VendorStateRepository } from './vendor-state.repository';
import { WorkerLease } from './worker-lease';

@Module({
  imports: [VendorsModule, CacheModule],
  controllers: [QuarantineController, JobLogController, VendorStateController],
  providers: [
    SyncRunRepository,
    SyncIntegrationRepository,
    QuarantineRepository,
    SyncService,
    SyncJobRunner,
    JobLogRepository,
    JobLogService,
    VendorStateRepository,
    VendorClientFactory,
    ReadRefusals,
    WorkerLease,
  ],
  exports: [SyncService, SyncIntegrationRepository, VendorClientFactory, VendorStateRepository, ReadRefusals],
})
export class SyncModule {}
