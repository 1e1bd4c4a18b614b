import { Module } from '@nestjs/common';
import { DataDiffLog } from './data-diff-log.service';
import { DataDiffRepository } from './data-diff.repository';
import { RecordCacheRepository } from './record-cache.repository';

/** The data cache: canonical records with their content hashes and links, and the data-diff log. */
@Module({
  providers: [RecordCacheRepository, DataDiffRepository, DataDiffLog],
  exports: [RecordCacheRepository, DataDiffLog],
})
export class CacheModule {}
