import { Module } from '@nestjs/common';
import { CacheModule } from './cache/cache.module';
import { PageWriter } from './page-writer.service';

/** Writing syncs into the store: pages with their diffs and events, and the full pull's deletion pass. */
@Module({
  imports: [CacheModule],
  providers: [PageWriter],
  exports: [PageWriter],
})
export class StoreModule {}
