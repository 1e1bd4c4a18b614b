import { Injectable } from '@nestjs/common';
import type { ListPage } from '../../platform/common/http/list-query.dto';
import type { SqlTx } from '../../platform/database/prisma.service';
import {
  DataDiffRepository,
  type DataDiffEntry,
  type DataDiffFilter,
  type DataDiffScope,
} from './data-diff.repository';

/** The data-diff log as other modules use it: appended with each page of a sync, read by the admin API, pruned by age. */
@Injectable()
export class DataDiffLog {
  constructor(private readonly diffs: DataDiffRepository) {}

  /** A page's diffs, inside the page's transaction. */
  append(tx: SqlTx, scope: DataDiffScope, entries: DataDiffEntry[]): Promise<void> {
    return this.diffs.append(tx, scope, entries);
  }

  list(filter: DataDiffFilter, page: ListPage) {
    return this.diffs.list(filter, page);
  }

  /** Deletes up to `limit` diffs created before `cutoff`; returns how many it deleted. */
  deleteCreatedBefore(cutoff: Date, limit: number): Promise<number> {
    return this.diffs.deleteCreatedBefore(cutoff, limit);
  }
}
