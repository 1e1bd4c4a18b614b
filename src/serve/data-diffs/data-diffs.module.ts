import { Module } from '@nestjs/common';
import { DataDiffRetention } from './data-diff-retention.service';
import { DataDiffController } from './data-diff.controller';
import { CacheModule } from '../../store/cache/cache.module';
import { DataDiffService } from './data-diff.service';

@Module({
  imports: [CacheModule],
  controllers: [DataDiffController],
  providers: [DataDiffService, DataDiffRetention],
})
export class DataDiffsModule {}
