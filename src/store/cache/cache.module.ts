import { Module } from '@nestjs/common';
import { DataDiffLog } from './data-diff-log.service';
import { DataDiffRepository } from './data-diff.repository';
import { PageWriter } from './page-writer.service';
import { RecordCacheRepository } from './record-cache.repository';

/**
 * The data cache: canonical records with their content hashes and links, and the data-diff log; PageWriter
 * writes sync pages into them.
 */
@Module({
  providers: [RecordCacheRepository, DataDiffRepository, DataDiffLog, PageWriter],
  exports: [RecordCacheRepository, DataDiffLog, PageWriter],
})
export class CacheModule {}
