import { Injectable } from '@nestjs/common';
import { assertSortable, listMeta, parseListQuery } from '../../platform/common/http/list-query.dto';
import type { DataDiff } from '../../generated/prisma/client';
import type { DataDiffListQueryDto } from './data-diff-query.dto';
import { DataDiffLog } from '../../store/cache/data-diff-log.service';

const SORTABLE = ['created_at', 'model', 'event_type', 'integration_id'];

@Injectable()
export class DataDiffService {
  constructor(private readonly diffs: DataDiffLog) {}

  async list(organizationId: string, query: DataDiffListQueryDto) {
    const page = parseListQuery(query);
    assertSortable(page.orderBy, SORTABLE);
    const { rows, total } = await this.diffs.list(
      {
        organizationId,
        integrationId: query.integration_id,
        vendor: query.integration_vendor,
        before: query.before ? new Date(query.before) : undefined,
        after: query.after ? new Date(query.after) : undefined,
      },
      page,
    );
    return { meta: listMeta(page, total, rows.length), results: rows.map(presentDataDiff) };
  }
}

/** The spec's data diff object. */
function presentDataDiff(row: DataDiff) {
  return {
    id: row.id,
    model: row.model,
    model_record_id: row.model_record_id,
    event_type: row.event_type,
    data_diff: row.data_diff,
    created_at: row.created_at.toISOString(),
    job_id: row.job_id,
    integration_id: row.integration_id,
    integration_vendor: row.integration_vendor,
  };
}
