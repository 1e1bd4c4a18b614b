import { Module } from '@nestjs/common';
import { DataDiffRetention } from './data-diff-retention.service';
import { DataDiffController } from './data-diff.controller';
import { DataDiffRepository } from './data-diff.repository';
import { DataDiffService } from './data-diff.service';

@Module({
  controllers: [DataDiffController],
  providers: [DataDiffRepository, DataDiffService, DataDiffRetention],
  exports: [DataDiffRepository],
})
export class DataDiffsModule {}
