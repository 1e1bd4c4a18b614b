import { Module } from '@nestjs/common';
import { PageNormaliser } from '../normalise/page-normaliser';
import { CacheModule } from '../store/cache/cache.module';
import { VendorsModule } from '../fetch/registry/vendors.module';
import { JobLogController } from './job-log.controller';
import { JobLogRepository } from './job-log.repository';
import { JobLogService } from './job-log.service';
import { QuarantineController } from './quarantine.controller';
import { QuarantineRepository } from './quarantine.repository';
import { IntegrationRecordRepository } from './integration-record.repository';
import { ModelPull } from './model-pull.service';
import { PageLedger } from './page-ledger.service';
import { PageSource } from './page-source.service';
import { ReadRefusals } from './read-refusals';
import { RunFinisher } from './run-finisher.service';
import { SyncJobRunner } from './sync-job.runner';
import { SyncRunRepository } from './sync-run.repository';
import { SyncService } from './sync.service';
import { VendorStateController } from './vendor-state.controller';
import { VendorClientFactory } from './vendor-client.factory';
import { VendorStateRepository } from './vendor-state.repository';
import { VendorStateService } from './vendor-state.service';
import { WorkerLease } from './worker-lease';
import { WorkerLeaseRepository } from './worker-lease.repository';
import { WriteJobRepository } from './write-job.repository';
import { WriteJobRunner } from './write-job.runner';
import { WriteJobs } from './write-jobs.service';

@Module({
  imports: [VendorsModule, CacheModule],
  controllers: [QuarantineController, JobLogController, VendorStateController],
  providers: [
    SyncRunRepository,
    IntegrationRecordRepository,
    QuarantineRepository,
    SyncService,
    SyncJobRunner,
    PageSource,
    PageNormaliser,
    PageLedger,
    ModelPull,
    RunFinisher,
    JobLogRepository,
    JobLogService,
    VendorStateRepository,
    VendorStateService,
    VendorClientFactory,
    ReadRefusals,
    WorkerLease,
    WorkerLeaseRepository,
    WriteJobRepository,
    WriteJobs,
    WriteJobRunner,
  ],
  exports: [SyncService, VendorStateService, VendorClientFactory, ReadRefusals, WriteJobs],
})
export class SyncModule {}
