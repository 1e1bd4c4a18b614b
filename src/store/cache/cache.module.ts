import { Module } from '@nestjs/common';
import { DataDiffRepository } from './data-diff.repository';
import { RecordCacheRepository } from './record-cache.repository';

/** The data cache: canonical records with their content hashes and links, and the data-diff log. */
@Module({
  providers: [RecordCacheRepository, DataDiffRepository],
  exports: [RecordCacheRepository, DataDiffRepository],
})
export class CacheModule {}
